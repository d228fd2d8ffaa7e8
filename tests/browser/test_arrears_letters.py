"""An admin opens the arrears page, narrows it to one coordinator and downloads that
coordinator's contribution notice letters as a PDF."""

import re

import pytest
from playwright.sync_api import Page, expect

from lindung.accounts.models import User
from lindung.billing.tests.arrears_data import late_payer
from lindung.core.tests.factories import AdminFactory

from .support import PHONE, shoot, sign_in

pytestmark = pytest.mark.browser


def test_admin_downloads_the_letters_pdf(page: Page, coordinator: User) -> None:
    admin = AdminFactory.create(username="ani", first_name="Ani")
    late_payer(coordinator, 2, full_name="Sari Terlambat", phone="+6281234567890")
    late_payer(coordinator, 5, full_name="Joko Menunggak")

    sign_in(page, admin.username)
    page.goto("/billing/arrears/")
    expect(page.locator("h1")).to_be_visible()
    table = page.locator("main table").nth(1)
    expect(table).to_contain_text("Joko Menunggak")
    expect(table).to_contain_text("Sari Terlambat")
    expect(table).to_contain_text("0812-3456-7890")
    shoot(page, "arrears-01-list")

    # The letters follow the page's filter: one coordinator, so one PDF (not a ZIP).
    page.locator("main details summary").click()
    page.select_option("select[name=coordinator]", str(coordinator.pk))
    page.locator("main form.table-search button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(rf"coordinator={coordinator.pk}\b"))
    with page.expect_download() as info:
        page.locator("[data-testid=download-letters]").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    path = download.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_arrears_page_fits_a_phone(browser, live_server, coordinator: User) -> None:
    from .support import open_page

    late_payer(coordinator, 3, full_name="Dewi Telat")
    with open_page(browser, live_server.url, PHONE) as phone:
        sign_in(phone, coordinator.username)
        phone.goto("/billing/arrears/")
        expect(phone.locator("main")).to_contain_text("Dewi Telat")
        width = int(phone.evaluate("document.documentElement.scrollWidth"))
        assert width <= PHONE["width"] + 2
        shoot(phone, "arrears-02-phone")
