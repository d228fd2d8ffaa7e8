import pytest
from django.conf import settings
from django.test import Client

from lindung.core.tests.factories import AdminFactory, CoordinatorFactory


def login_client(user=None) -> Client:
    """English pages whatever catalogue is installed, so assertions read the msgids."""
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def admin(db):
    return AdminFactory(first_name="Ani", last_name="Admin")


@pytest.fixture
def coord_a(db):
    return CoordinatorFactory(first_name="Budi", last_name="Alpha")


@pytest.fixture
def coord_b(db):
    return CoordinatorFactory(first_name="Citra", last_name="Beta")
