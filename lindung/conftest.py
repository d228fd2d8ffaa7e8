"""Tests read messages in English (the msgids); the Indonesian catalogue, which users see
by default, is checked by its own tests (core/tests/test_platform.py, check_translations)."""

from collections.abc import Iterator
from typing import Any

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


@pytest.fixture
def admin(db: None) -> Any:
    from lindung.core.tests.factories import AdminFactory

    return AdminFactory(first_name="Ani", last_name="Admin")


@pytest.fixture
def coord_a(db: None) -> Any:
    from lindung.core.tests.factories import CoordinatorFactory

    return CoordinatorFactory(first_name="Budi", last_name="Alpha")


@pytest.fixture
def coord_b(db: None) -> Any:
    from lindung.core.tests.factories import CoordinatorFactory

    return CoordinatorFactory(first_name="Citra", last_name="Beta")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Rolled-back tests reuse ids, so a cached value keyed on ids (dashboard snapshots)
    # or a counter (rate limits) must not leak from one test into the next.
    from django.core.cache import cache

    cache.clear()
    yield
