from django.conf import settings
from django.test import Client


def login_client(user=None) -> Client:
    """A test client reading English pages (the msgids), signed in as ``user`` if given."""
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        c.force_login(user)
    return c
