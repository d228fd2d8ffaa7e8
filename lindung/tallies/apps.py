from django.apps import AppConfig


class TalliesConfig(AppConfig):
    name = "lindung.tallies"
    label = "tallies"

    def ready(self) -> None:
        from . import subscribers, tasks  # noqa: F401 (tasks registers the Celery task)

        subscribers.register()
