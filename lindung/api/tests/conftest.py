import datetime

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lindung.core.tests.factories import AdminFactory, CoordinatorFactory, bengkalis_village
from lindung.participants.models import Sex
from lindung.participants.tests.factories import ParticipantFactory, make_nik

BIRTH = datetime.date(1990, 5, 17)


def api_client(user=None) -> APIClient:
    """English answers (assertions read the msgids); with ``user``, their real token."""
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def payload(**overrides):
    values = {
        "nik": make_nik(BIRTH, Sex.MALE, 501),
        "full_name": "Ahmad  Fauzi",
        "birth_place": "Bengkalis",
        "birth_date": BIRTH.isoformat(),
        "sex": "M",
        "address": "Jl. Antara No. 5",
        "village": bengkalis_village().code,
        "phone": "0812-3456-7890",
    }
    values.update(overrides)
    return values


@pytest.fixture
def world(db):
    coord_a, coord_b, admin = CoordinatorFactory(), CoordinatorFactory(), AdminFactory()
    return {
        "a": coord_a,
        "b": coord_b,
        "admin": admin,
        "pa": ParticipantFactory(coordinator=coord_a, full_name="Siti Aminah"),
        "pb": ParticipantFactory(coordinator=coord_b, full_name="Budi Santoso"),
    }
