from django.apps import AppConfig


class InfoConfig(AppConfig):
    name = "lindung.info"
    label = "info"
