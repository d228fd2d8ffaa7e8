from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "lindung.participants"
    label = "participants"

    def ready(self) -> None:
        # Registers the import's job handlers (lindung.jobs finds them by kind).
        from .imports import handlers  # noqa: F401
