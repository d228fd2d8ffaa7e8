"""The idle timeout holds without writing the session on every request."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from lindung.core import sessions

pytestmark = pytest.mark.django_db


def _row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_requests_within_a_minute_do_not_write_the_session(client, admin):
    client.force_login(admin)
    client.get(reverse("core:home"))  # the first page renews
    expiry = _row(client).expire_date
    client.get(reverse("core:home"))
    client.get(reverse("participants:list"))
    assert _row(client).expire_date == expiry


def test_a_request_after_a_minute_renews_the_expiry(client, admin, monkeypatch):
    client.force_login(admin)
    client.get(reverse("core:home"))
    before = _row(client).expire_date
    later = sessions.time.time() + sessions.RENEW_AFTER_SECONDS + 5
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    # expire_date is computed from Django's clock: move it too.
    real_now = timezone.now
    shift = datetime.timedelta(seconds=sessions.RENEW_AFTER_SECONDS + 5)
    monkeypatch.setattr(timezone, "now", lambda: real_now() + shift)
    client.get(reverse("core:home"))
    assert _row(client).expire_date > before


def test_an_idle_session_ends(client, admin):
    client.force_login(admin)
    client.get(reverse("core:home"))
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("participants:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_an_anonymous_visit_stores_no_session(client):
    client.get(reverse("accounts:login"))
    assert not Session.objects.exists()
