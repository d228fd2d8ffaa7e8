from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "lindung.claims"
    label = "claims"

    def ready(self) -> None:
        from . import subscribers
        from .archive import filing
        from .vouchers import issue

        subscribers.register()
        issue.register()
        filing.register()
