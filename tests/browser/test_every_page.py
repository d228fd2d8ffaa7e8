"""Every page reachable from the menu, for an administrator and a coordinator, on a 360 px
phone with the demo data: no sideways scroll, no serious or critical axe-core violation,
no English left untranslated on the Indonesian pages; and each page's first visit stays
under 150 KB transferred, compressed as production serves it."""

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, Response
from pytest_django.live_server_helper import LiveServer

from .page_checks import axe_violations, sideways_scroll, transferred_bytes, untranslated
from .support import PHONE, open_page, sign_in

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "demo-lindung-2026"
USERS = {"admin": "admin", "coordinator": "koordinator.bengkalis"}
BUDGET_BYTES = 150 * 1024
# Pages one step under a menu page (the reminders' own links), walked with the menu.
SUB_PAGES = (
    "/messaging/segments/",
    "/messaging/segments/new/",
    "/messaging/templates/",
    "/messaging/campaigns/new/",
    "/messaging/policy/",
)


@pytest.fixture
def demo(live_server: LiveServer) -> None:
    call_command("load_demo", participants=40, force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


def menu_pages(page: Page) -> list[str]:
    """The menu's links (top bar and "Menu"), in order, without repeats."""
    hrefs = page.eval_on_selector_all("header nav a[href]", "links => links.map(a => a.getAttribute('href'))")
    seen: list[str] = []
    for href in hrefs:
        path = urlsplit(href).path
        if path.startswith("/") and path not in seen:
            seen.append(path)
    if "/messaging/campaigns/" in seen:
        seen += [p for p in SUB_PAGES if p not in seen]
    return seen


@pytest.fixture(params=sorted(USERS))
def role(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def signed_in_phone(browser: Browser, live_server: LiveServer, demo: None, role: str) -> Iterator[Page]:
    with open_page(browser, live_server.url, PHONE) as page:
        sign_in(page, USERS[role], DEMO_PASSWORD)
        yield page


def test_every_menu_page_on_a_phone(signed_in_phone: Page, role: str) -> None:
    page = signed_in_phone
    pages = menu_pages(page)
    assert len(pages) >= (14 if role == "admin" else 9), pages
    problems: list[str] = []
    for path in pages:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        if (extra := sideways_scroll(page)) > 0:
            problems.append(f"{path}: scrolls sideways by {extra} px at 360 px")
        problems += [f"{path}: axe {v}" for v in axe_violations(page)]
        problems += [f"{path}: untranslated {text!r}" for text in untranslated(page)]
    assert not problems, f"{role}:\n" + "\n".join(problems)


def test_every_menu_page_is_light_on_first_visit(
    browser: Browser, live_server: LiveServer, demo: None, role: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_page(browser, live_server.url, PHONE) as page:
        sign_in(page, USERS[role], DEMO_PASSWORD)
        pages = menu_pages(page)
        session = page.context.storage_state()
    weights: dict[str, int] = {}
    for path in pages:
        # A new context with only the session cookie and no cache: a first visit.
        context = browser.new_context(base_url=live_server.url, viewport=PHONE, storage_state=session)
        try:
            page = context.new_page()
            page.context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
            responses: list[Response] = []
            page.on("response", lambda response, seen=responses: seen.append(response))
            page.goto(path, wait_until="networkidle")
            weights[path] = sum(transferred_bytes(r) for r in responses)
        finally:
            context.close()
    heaviest = sorted(weights.items(), key=lambda item: -item[1])
    report = ", ".join(f"{path} {size / 1024:.0f} KB" for path, size in heaviest[:5])
    with capsys.disabled():  # shown in every run: the report the issue asks for
        print(f"\n{role}: heaviest first visits: {report}")
    too_heavy = [(path, size) for path, size in heaviest if size > BUDGET_BYTES]
    assert not too_heavy, f"over {BUDGET_BYTES // 1024} KB: {too_heavy}"
