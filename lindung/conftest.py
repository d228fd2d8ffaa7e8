"""Tests read messages in English (the msgids); the Indonesian catalogue, which users see
by default, is checked by its own tests (core/tests/test_platform.py, check_translations)."""

from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client
