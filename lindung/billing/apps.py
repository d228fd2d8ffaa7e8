from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "lindung.billing"
    label = "billing"

    def ready(self) -> None:
        from . import (
            bill_jobs,  # noqa: F401 (registers the job handlers and Celery tasks)
            subscribers,
        )
        from .payment_import import register as register_payment_import

        subscribers.register()
        register_payment_import()
