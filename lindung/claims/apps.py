from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "lindung.claims"
    label = "claims"

    def ready(self) -> None:
        from . import subscribers

        subscribers.register()
