from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "lindung.messaging"
    label = "messaging"

    def ready(self) -> None:
        from . import subscribers

        subscribers.register()
