"""Token sign-in: issues a usable token, and is subject to the same lockout as the login page."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from lindung.core.tests.factories import DEFAULT_PASSWORD

from .conftest import api_client

pytestmark = pytest.mark.django_db

TOKEN = reverse("api:token")
IP = "10.9.8.7"


def obtain(client, username, password, ip=IP, **extra):
    return client.post(TOKEN, {"username": username, "password": password, **extra}, format="json", REMOTE_ADDR=ip)


def test_obtain_and_use_a_token(world):
    client = api_client()
    response = obtain(client, world["a"].username, DEFAULT_PASSWORD)
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=world["a"]).key == key
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    listing = client.get(reverse("api:participant-list"))
    assert listing.status_code == 200 and [r["id"] for r in listing.json()["results"]] == [world["pa"].pk]


def test_the_sign_in_is_logged_and_clears_earlier_failures(world):
    client = api_client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert obtain(client, world["a"].username, "wrong-password").status_code == 400
    assert obtain(client, world["a"].username, DEFAULT_PASSWORD).status_code == 200
    assert AccessLog.objects.filter(username=world["a"].username, ip_address=IP).exists()
    assert not AccessAttempt.objects.filter(username=world["a"].username).exists()
    world["a"].refresh_from_db()
    assert world["a"].last_login is not None


def test_same_token_until_regenerated(world):
    client = api_client()
    first = obtain(client, world["a"].username, DEFAULT_PASSWORD).json()["token"]
    assert obtain(client, world["a"].username, DEFAULT_PASSWORD).json()["token"] == first
    second = obtain(client, world["a"].username, DEFAULT_PASSWORD, regenerate=True).json()["token"]
    assert second != first
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.get(reverse("api:participant-list")).status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert client.get(reverse("api:participant-list")).status_code == 200


def test_wrong_password_unknown_user_and_inactive_user_get_the_same_answer(world):
    client = api_client()
    wrong = obtain(client, world["a"].username, "wrong-password")
    unknown = obtain(client, "nobody-here", "wrong-password")
    world["b"].is_active = False
    world["b"].save()
    inactive = obtain(client, world["b"].username, DEFAULT_PASSWORD)
    for response in (wrong, unknown, inactive):
        assert response.status_code == 400
        assert response.json() == {"non_field_errors": ["The username or password is wrong."]}
    assert not Token.objects.exists()


def test_blank_fields_are_field_errors(db):
    response = api_client().post(TOKEN, {"username": "", "password": ""}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"username", "password"}


def test_a_stale_authorization_header_does_not_block_sign_in(world):
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION="Token revoked-long-ago")
    assert obtain(client, world["a"].username, DEFAULT_PASSWORD).status_code == 200


def test_lockout_refuses_even_the_right_password(world):
    client = api_client()
    username = world["a"].username
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert obtain(client, username, "wrong-password").status_code == 400
    # The failure that reaches the limit already answers with the lockout.
    locked = obtain(client, username, "wrong-password")
    assert locked.status_code == 429
    assert locked.json()["detail"].startswith("Too many failed sign-in attempts")
    assert int(locked["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())
    right = obtain(client, username, DEFAULT_PASSWORD)
    assert right.status_code == 429 and "token" not in right.json()
    assert not Token.objects.filter(user=world["a"]).exists()
    # The lock is the login page's lock: the same pair cannot sign in there either.
    page = client.post(reverse("accounts:login"), {"username": username, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=IP)
    assert "_auth_user_id" not in client.session and page.status_code != 302
    # Another address is a different pair (AXES_LOCKOUT_PARAMETERS), and is not locked.
    assert obtain(client, username, DEFAULT_PASSWORD, ip="10.9.8.8").status_code == 200


def test_login_page_failures_count_for_the_token_endpoint_too(world):
    client = api_client()
    username = world["a"].username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=IP)
    assert obtain(client, username, DEFAULT_PASSWORD).status_code == 429
