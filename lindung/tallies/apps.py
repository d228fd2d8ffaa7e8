from django.apps import AppConfig


class TalliesConfig(AppConfig):
    name = "lindung.tallies"
    label = "tallies"

    def ready(self) -> None:
        from . import tasks  # noqa: F401 (registers the Celery task)
