from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "lindung.billing"
    label = "billing"

    def ready(self) -> None:
        from lindung.billing import subscribers
        from lindung.billing.bills import jobs  # noqa: F401 (registers the job handlers and Celery tasks)
        from lindung.billing.payments.importing import register as register_payment_import

        subscribers.register()
        register_payment_import()
