import datetime
import itertools

import pytest
from django.conf import settings
from django.test import Client

from lindung.core.tests.factories import AdminFactory, CoordinatorFactory, bengkalis_village
from lindung.participants.models import Participant

_niks = itertools.count(1)


@pytest.fixture
def client() -> Client:
    """English pages whatever catalogue is installed, so assertions read the msgids."""
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
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


def login_client(user) -> Client:
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    c.force_login(user)
    return c


def make_participant(*, by, full_name: str = "Dewi Lestari", **extra) -> Participant:
    """A participant written straight through the ORM: enough to produce history rows."""
    village = bengkalis_village()
    participant = Participant(
        nik=f"1403015705{next(_niks):06d}",
        full_name=full_name,
        birth_place="Bengkalis",
        birth_date=datetime.date(1990, 5, 17),
        sex="F",
        address="Jl. Pahlawan 1",
        village=village,
        district=village.parent,
        coordinator=by,
        registered_by=by,
        registration_date=datetime.date(2026, 1, 5),
        **extra,
    )
    participant._history_user = by
    participant.save()
    return participant
