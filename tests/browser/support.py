"""Helpers shared by the browser tests: Chromium settings, page problem tracking, sign-in, screenshots."""

import faulthandler
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import APIResponse, Browser, ConsoleMessage, Page, ViewportSize
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from lindung.core.tests.factories import DEFAULT_PASSWORD

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PHONE: ViewportSize = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000
# A PDF is rendered in the request; a cold font cache on a fresh machine has taken
# several seconds on its own. The test checks the document, not the clock.
DOCUMENT_TIMEOUT_MS = 60_000


def fetch_document(page: Page, url: str) -> APIResponse:
    """GET a generated document with the page's session. If the live server has not
    answered in a minute, every thread's stack (the live server's included: it runs in
    this process) is printed before the test fails, so a hang shows where it is."""
    try:
        return page.request.get(url, timeout=DOCUMENT_TIMEOUT_MS)
    except PlaywrightTimeout:
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        raise


class PageProblems:
    """Uncaught script errors and CSP refusals seen by a page: each one is a real defect."""

    CSP = re.compile(r"Content Security Policy", re.IGNORECASE)

    def __init__(self) -> None:
        self.errors: list[str] = []

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and self.CSP.search(message.text):
            self.errors.append(f"{message.location.get('url', '?')}: {message.text}")

    def on_page_error(self, error: Exception) -> None:
        self.errors.append(f"page error: {error}")


@contextmanager
def open_page(browser: Browser, base_url: str, viewport: ViewportSize, *, javascript: bool = True) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="id-ID", java_script_enabled=javascript)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems = PageProblems()
    page.on("console", problems.on_console)
    page.on("pageerror", problems.on_page_error)
    try:
        yield page
    finally:
        context.close()
    # Checked after the test body, so a script or CSP failure fails every journey that meets it.
    assert not problems.errors, "The pages reported problems:\n" + "\n".join(problems.errors)


def shoot(page: Page, name: str) -> None:
    """Full-page screenshot for humans to look at (tests/artifacts/ is not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, username: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    # The header's language switch is a form with a submit button too: use the one in main.
    page.locator("main button[type=submit]").click()
