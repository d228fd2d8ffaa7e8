from django.apps import AppConfig


class SelfServiceConfig(AppConfig):
    name = "lindung.selfservice"
    label = "selfservice"
    verbose_name = "Self-service"
