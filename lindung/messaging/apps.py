from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "lindung.messaging"
    label = "messaging"

    def ready(self) -> None:
        from . import subscribers, tasks  # noqa: F401 (tasks registers the Celery task)
        from .campaigns import clock  # noqa: F401 (the campaigns' Celery tasks)

        subscribers.register()
