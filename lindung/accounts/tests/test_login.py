from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from lindung.accounts.templatetags.accounts_tags import duration_words
from lindung.core.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

IP = "10.1.2.3"


def attempt(client, username: str, password: str, ip: str = IP):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


class TestLogin:
    def test_success_signs_in_and_logs(self, client, coord_a):
        response = attempt(client, coord_a.username, DEFAULT_PASSWORD)
        assert response.status_code == 302
        assert is_signed_in(client)
        assert AccessLog.objects.filter(username=coord_a.username, ip_address=IP).exists()

    def test_wrong_password_shows_the_clear_message_beside_the_form(self, client, coord_a):
        response = attempt(client, coord_a.username, "wrong")
        assert response.status_code == 200
        page = response.content.decode()
        assert "The username or password is wrong." in page
        assert f"after {settings.AXES_FAILURE_LIMIT} failed attempts" in page
        assert 'role="alert"' in page
        assert not is_signed_in(client)
        assert AccessFailureLog.objects.filter(username=coord_a.username, ip_address=IP).count() == 1

    def test_unknown_user_gets_the_same_message(self, client, db):
        page = attempt(client, "nobody", "wrong").content.decode()
        assert "The username or password is wrong." in page

    def test_blank_fields_show_field_errors(self, client, db):
        response = client.post(reverse("accounts:login"), {"username": "", "password": ""}, REMOTE_ADDR=IP)
        assert response.context["form"].errors.keys() == {"username", "password"}
        assert "errorlist" in response.content.decode()

    def test_deactivated_user_cannot_sign_in(self, client, coord_a):
        coord_a.is_active = False
        coord_a.save()
        attempt(client, coord_a.username, DEFAULT_PASSWORD)
        assert not is_signed_in(client)

    def test_logout(self, client, coord_a):
        attempt(client, coord_a.username, DEFAULT_PASSWORD)
        response = client.post(reverse("accounts:logout"))
        assert response.url == reverse("accounts:login")
        assert not is_signed_in(client)


class TestLockout:
    def test_locked_after_limit_even_with_right_password(self, client, coord_a):
        limit = settings.AXES_FAILURE_LIMIT
        for _ in range(limit - 1):
            assert attempt(client, coord_a.username, "wrong").status_code == 200
        # The failure that reaches the limit already answers with the lockout page.
        assert attempt(client, coord_a.username, "wrong").status_code == 429
        response = attempt(client, coord_a.username, DEFAULT_PASSWORD)
        assert response.status_code == 429
        assert "Too many failed sign-in attempts" in response.content.decode()
        assert not is_signed_in(client)

    def test_lockout_is_per_username_and_address(self, client, coord_a, coord_b):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, coord_a.username, "wrong")
        # Same person from another address, and another user from the same address, still get in.
        assert attempt(client, coord_b.username, DEFAULT_PASSWORD).status_code == 302
        client.logout()
        assert attempt(client, coord_a.username, DEFAULT_PASSWORD, ip="10.9.9.9").status_code == 302

    def test_success_resets_the_counter(self, client, coord_a):
        limit = settings.AXES_FAILURE_LIMIT
        for _ in range(limit - 1):
            attempt(client, coord_a.username, "wrong")
        assert attempt(client, coord_a.username, DEFAULT_PASSWORD).status_code == 302
        assert not AccessAttempt.objects.filter(username=coord_a.username).exists()
        client.logout()
        for _ in range(limit - 1):
            assert attempt(client, coord_a.username, "wrong").status_code == 200
        assert attempt(client, coord_a.username, DEFAULT_PASSWORD).status_code == 302

    def test_admin_unlock_lets_them_back_in(self, client, admin, coord_a):
        from lindung.core.tests.clients import login_client

        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, coord_a.username, "wrong")
        login_client(admin).post(reverse("accounts:user_unlock", args=[coord_a.pk]))
        assert attempt(client, coord_a.username, DEFAULT_PASSWORD).status_code == 302

    @pytest.mark.parametrize(
        ("cooloff", "text"),
        [(timedelta(minutes=30), "30 minutes"), (timedelta(minutes=45), "45 minutes"), (timedelta(hours=2), "2 hours")],
    )
    def test_lockout_page_states_the_configured_cooloff(self, client, coord_a, cooloff, text):
        with override_settings(AXES_COOLOFF_TIME=cooloff):
            for _ in range(settings.AXES_FAILURE_LIMIT):
                response = attempt(client, coord_a.username, "wrong")
        assert response.status_code == 429
        assert f"locked for {text}." in response.content.decode()


def test_duration_words():
    with translation.override("en"):
        _check_duration_words()


def _check_duration_words():
    assert duration_words(timedelta(minutes=1)) == "1 minute"
    assert duration_words(timedelta(hours=1)) == "1 hour"
    assert duration_words(timedelta(minutes=90)) == "90 minutes"
    assert duration_words(None) == ""
