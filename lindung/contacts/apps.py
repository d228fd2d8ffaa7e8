from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "lindung.contacts"
    label = "contacts"
