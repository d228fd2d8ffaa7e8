from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "lindung.reports"
    label = "reports"

    def ready(self) -> None:
        from .exports import (
            participants,  # noqa: F401 (registers the participant export)
            payments,  # noqa: F401 (registers the payment export)
        )
        from .handlers import register_all

        register_all()
