from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lindung.core"
    label = "core"

    def ready(self) -> None:
        from . import tasks  # noqa: F401 (registers the Celery task delivering events)
