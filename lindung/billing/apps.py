from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "lindung.billing"
    label = "billing"

    def ready(self) -> None:
        from lindung.participants.services import ACTIVATION_HOOKS

        from . import bill_jobs  # noqa: F401 (registers the job handlers and Celery tasks)
        from .bills import bill_on_activation
        from .payment_import import register as register_payment_import

        if bill_on_activation not in ACTIVATION_HOOKS:
            ACTIVATION_HOOKS.append(bill_on_activation)
        register_payment_import()
