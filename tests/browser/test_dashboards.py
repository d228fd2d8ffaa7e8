"""Admin and coordinator open their dashboards on a 360 px phone and on a desktop: every
chart is drawn and its data table is on the page, without sideways scrolling."""

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from lindung.accounts.models import User
from lindung.billing.tests.factories import informal_participant
from lindung.core.tests.factories import AdminFactory

from .support import DESKTOP, PHONE, open_page, shoot, sign_in

pytestmark = pytest.mark.browser

CHARTS = ("registrations", "collection", "ageing", "coverage", "districts", "groups")
SCROLL_TOLERANCE_PX = 2


@pytest.fixture
def people(coordinator: User) -> dict[str, User]:
    # No bills: the live server's flushed database has no contribution rules to bill by;
    # the money charts still draw their months and buckets (at zero).
    for _ in range(3):
        informal_participant(coordinator=coordinator)
    return {"admin": AdminFactory.create(username="ani"), "coordinator": coordinator}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_dashboard_draws_every_chart_beside_its_table(
    browser: Browser, live_server: LiveServer, people: dict[str, User], role: str, viewport: dict
) -> None:
    with open_page(browser, live_server.url, viewport) as page:
        sign_in(page, people[role].username)
        page.goto("/")
        for key in CHARTS:
            section = page.locator(f"#chart-{key}")
            expect(section.locator("figure[data-drawn=true] canvas")).to_be_visible()
            expect(section.locator("table tbody tr").first).to_be_visible()
            expect(section.locator("a", has_text="Excel")).to_have_count(1)
        expect(page.locator("#as-of")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= SCROLL_TOLERANCE_PX
        shoot(page, f"dashboard-{role}-{viewport['width']}")
