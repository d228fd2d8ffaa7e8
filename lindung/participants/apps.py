from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "lindung.participants"
    label = "participants"

    def ready(self) -> None:
        # Registers the import's job handlers (lindung.jobs finds them by kind) and the
        # participants import kind (billing registers the payments one).
        from .imports import handlers  # noqa: F401
        from .imports.participants import register as register_participant_import

        register_participant_import()
