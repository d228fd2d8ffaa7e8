"""A journey that makes the app log NIKs, phone numbers, passwords and tokens (a NIK in a
URL that is not found, a failed sign-in, a refused API token, a crash whose error holds
them all) writes none of them: every line that the configured handlers write is read."""

import json

import pytest

from lindung.core.tests.factories import bengkalis_village

pytestmark = [pytest.mark.django_db, pytest.mark.urls("lindung.operations.tests.urls")]

NIK = "1403015704910007"
PHONE = "081277778888"
TOKEN = "0123456789abcdef0123456789abcdef01234567"
PASSWORD = "hunter2-secret"


def test_no_nik_phone_password_or_token_reaches_a_log_line(client, coord_a, log_lines):
    client.post("/accounts/login/", {"username": NIK, "password": PASSWORD})
    client.force_login(coord_a)
    assert client.get(f"/participants/{NIK}/").status_code == 404
    client.get("/participants/", {"q": NIK})
    village = bengkalis_village()
    client.post("/participants/new/", {"nik": NIK, "phone": "0812 7777 8888", "village": village.pk})
    assert client.get("/api/participants/", HTTP_AUTHORIZATION=f"Token {TOKEN}").status_code == 401
    client.raise_request_exception = False
    failed = client.get(
        "/failing/",
        {"nik": NIK, "phone": "+62 812-7777-8888", "password": PASSWORD},
        HTTP_AUTHORIZATION=f"Token {TOKEN}",
    )
    assert failed.status_code == 500

    lines = log_lines()
    text = "\n".join(lines)
    entries = [json.loads(line) for line in lines]  # one JSON object per line
    # They were logged (the test would pass vacuously otherwise) ...
    assert any(e["logger"] == "django.request" and "[NIK]" in e["message"] for e in entries), text
    crash = next(e for e in entries if "exception" in e)
    assert "cannot save NIK [NIK] phone [PHONE]" in crash["exception"]
    assert "[REDACTED]" in crash["exception"]
    # ... and none of them got through, in any form.
    for secret in (NIK, PHONE, "7777", TOKEN, PASSWORD, "hunter2"):
        assert secret not in text, f"{secret} reached the log"
