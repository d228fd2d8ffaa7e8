from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "lindung.feedback"
    label = "feedback"

    def ready(self) -> None:
        from . import notify

        notify.register()
