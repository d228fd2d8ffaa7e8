"""Start Django for a bench command. DEBUG is off unless asked for: with it on, Django
keeps every query in memory and renders differently from production."""

import os


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "False")
    import django

    django.setup()
