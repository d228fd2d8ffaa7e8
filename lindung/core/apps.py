from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lindung.core"
    label = "core"

    def ready(self) -> None:
        from . import (
            sessions,  # noqa: F401 - connects the sign-in receiver
            tasks,  # noqa: F401 (registers the Celery task delivering events)
        )
