from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the product: backups and restores, database fault handling, read replicas."""

    name = "lindung.operations"
    label = "operations"
