"""Hashes made with Django's Argon2 parameters (before OWASP's were configured) still sign
in, and are re-hashed with the new parameters on that sign-in. Runs with the production
hashers: the test settings' MD5 would hide the upgrade."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password
from django.test import override_settings
from django.urls import reverse

import config.settings.base as base
from lindung.core.tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production_hashers")]

DJANGO_PARAMETERS = "argon2$argon2id$v=19$m=102400,t=2,p=8$"
OWASP_PARAMETERS = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def production_hashers():
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        yield


def _with_django_parameters(user, password: str) -> None:
    user.password = Argon2PasswordHasher().encode(password, Argon2PasswordHasher().salt())
    user.save(update_fields=["password"])
    assert user.password.startswith(DJANGO_PARAMETERS)


def _sign_in(client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR="10.9.9.9")


def test_new_passwords_get_owasp_parameters(coord_a):
    coord_a.set_password("another long password")
    assert coord_a.password.startswith(OWASP_PARAMETERS)


def test_old_parameter_hash_signs_in_and_is_upgraded(client, coord_a):
    _with_django_parameters(coord_a, DEFAULT_PASSWORD)

    response = _sign_in(client, coord_a.username, DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    coord_a.refresh_from_db()
    assert coord_a.password.startswith(OWASP_PARAMETERS)
    assert check_password(DEFAULT_PASSWORD, coord_a.password)


def test_wrong_password_neither_signs_in_nor_touches_the_old_hash(client, coord_a):
    _with_django_parameters(coord_a, DEFAULT_PASSWORD)
    before = coord_a.password

    response = _sign_in(client, coord_a.username, "not the password")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    coord_a.refresh_from_db()
    assert coord_a.password == before
