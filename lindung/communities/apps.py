from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "lindung.communities"
    label = "communities"
