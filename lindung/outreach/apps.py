from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "lindung.outreach"
    label = "outreach"
