"""A database outage answers with the product's 503 page, wherever in the request it
happens; other errors stay 500s."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client


@pytest.fixture
def browser(db) -> Client:
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32  # makes the session middleware read the database
    return client


def fail(exc: Exception):
    def load(self):
        raise exc

    return load


def test_database_outage_gets_the_503_page_in_indonesian(browser, monkeypatch):
    monkeypatch.setattr(SessionStore, "_get_session_from_db", fail(OperationalError("connection refused")))
    response = browser.get("/participants/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Lindung sedang tidak dapat diakses sebentar" in page  # Indonesian by default
    assert "pico.min.css" in page  # the product's look, not a bare error text


def test_in_english_when_chosen(browser, monkeypatch):
    monkeypatch.setattr(SessionStore, "_get_session_from_db", fail(OperationalError("connection refused")))
    browser.cookies["django_language"] = "en"
    response = browser.get("/participants/")
    assert response.status_code == 503 and "Lindung is briefly unavailable" in response.content.decode()


def test_api_gets_json(browser, monkeypatch):
    monkeypatch.setattr(SessionStore, "_get_session_from_db", fail(OperationalError("connection refused")))
    response = browser.get("/api/participants/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "detail" in response.json()


def test_other_errors_stay_500(browser, monkeypatch):
    monkeypatch.setattr(SessionStore, "_get_session_from_db", fail(ValueError("a bug")))
    response = browser.get("/participants/")
    assert response.status_code == 500
    assert "Retry-After" not in response
