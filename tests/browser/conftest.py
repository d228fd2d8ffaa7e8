"""Playwright fixtures: Debian's Chromium (never a downloaded browser) against pytest-django's live server."""

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from lindung.accounts.models import User
from lindung.core.tests.factories import CoordinatorFactory, bengkalis_village, mandau_village

from .support import CHROMIUM_ARGS, DESKTOP, PHONE, TIMEOUT_MS, open_page

CHROMIUM = os.environ.get("LINDUNG_CHROMIUM", "/usr/bin/chromium")

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    if not os.path.exists(CHROMIUM):
        # A skip would look like coverage in the summary; a missing browser is a broken machine.
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install it (apt-get install chromium) or point "
            "LINDUNG_CHROMIUM at a Chromium binary; never run `playwright install`.",
            pytrace=False,
        )
    # Playwright's sync API runs an asyncio event loop in this (the test) thread, so Django
    # sees "an async context" and refuses ORM calls in test bodies with SynchronousOnlyOperation.
    # Nothing here is really async: the ORM runs in plain sync code, and the live server answers
    # from its own thread. Allowed only while the driver runs, so other tests keep the guard.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    with open_page(browser, live_server.url, DESKTOP) as page:
        yield page


@pytest.fixture
def phone_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    with open_page(browser, live_server.url, PHONE) as page:
        yield page


@pytest.fixture
def phone_page_without_javascript(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    with open_page(browser, live_server.url, PHONE, javascript=False) as page:
        yield page


@pytest.fixture
def coordinator(live_server: LiveServer) -> User:  # live_server brings the transactional database
    # Two districts, so choosing the other one proves the village list really reloads.
    mandau_village()
    village = bengkalis_village()
    return CoordinatorFactory.create(username="rina", first_name="Rina", district=village.parent)


@pytest.fixture(autouse=True)
def _seeded_contribution_rules(live_server: LiveServer) -> None:
    """The live server's transactional database is flushed after every test, which also
    removes the rows the data migration seeded; put the contribution rules back."""
    import importlib

    from django.apps import apps

    from lindung.contributions.models import ContributionRule

    if not ContributionRule.objects.exists():
        seed = importlib.import_module("lindung.contributions.migrations.0002_seed_rules").seed
        seed(apps, None)
