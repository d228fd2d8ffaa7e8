from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "lindung.messaging"
    label = "messaging"

    def ready(self) -> None:
        from . import subscribers, tasks  # noqa: F401 (tasks registers the Celery task)

        # clock: the campaigns' Celery tasks; launching: the launch job's handler.
        from .campaigns import clock, launching  # noqa: F401

        subscribers.register()
