from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "lindung.cards"
    label = "cards"
