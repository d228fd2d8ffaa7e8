"""The coordinator's main journey, end to end in a real browser: sign in, register a worker
(first with a NIK that contradicts the birth date), find them by search, sign out."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from lindung.accounts.models import User
from lindung.core.tests.factories import DEFAULT_PASSWORD
from lindung.participants.models import Participant
from lindung.participants.tests.factories import ParticipantFactory

from .support import PHONE, shoot, sign_in

pytestmark = pytest.mark.browser

NAME = "Budi Santoso Harahap"
BIRTH_DATE = datetime.date(1990, 5, 17)
# Digits 7-12 encode 18-05-90: one day off the birth date typed into the form.
NIK_WRONG_DATE = "1403011805900001"
NIK = "1403011705900001"
# A woman's NIK (day + 40) for a worker entered as male.
NIK_WOMAN = "1403015705900002"
# Part of the page may overflow by a rounding pixel; anything more means sideways scrolling.
SCROLL_TOLERANCE_PX = 2


def fill_identity(page: Page, *, nik: str, name: str = NAME) -> None:
    page.fill("#id_nik", nik)
    page.fill("#id_full_name", name)
    page.fill("#id_birth_place", "Bengkalis")
    page.fill("#id_birth_date", BIRTH_DATE.isoformat())
    page.check("input[name=sex][value=M]")
    page.fill("#id_address", "Jl. Antara No. 12, RT 02/RW 01")
    page.fill("#id_phone", "0812-3456-7890")


def submit_form(page: Page) -> None:
    # main holds only the participant form; the header has its own sign-out and language forms.
    page.locator("main form button[type=submit]").click()


def page_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_coordinator_registers_finds_and_signs_out(page: Page, coordinator: User) -> None:
    ParticipantFactory(full_name="Ahmad Yani", coordinator=coordinator)

    page.goto("/participants/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=(/|%2F)participants(/|%2F)$"))
    shoot(page, "01-login")
    page.fill("#id_username", coordinator.username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/participants/$"))

    page.locator("main a[href$='/participants/new/']").click()
    expect(page).to_have_url(re.compile(r"/participants/new/$"))
    # The coordinator's own district is chosen, so its villages are already listed.
    expect(page.locator("#id_district")).to_have_value("14.03.01")
    page.select_option("#id_village", "14.03.01.2004")
    fill_identity(page, nik=NIK_WRONG_DATE)
    submit_form(page)

    expect(page).to_have_url(re.compile(r"/participants/new/$"))
    errors = page.locator("#id_nik_error")
    expect(errors).to_be_visible()
    # The message quotes the entered date, which reads the same in both languages.
    expect(errors).to_contain_text("17-05-1990")
    expect(page.locator("#id_nik")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("document.getElementById('id_nik').nextElementSibling.id") == "id_nik_error"
    # The id the field's aria-describedby names, so a screen reader announces the error.
    expect(page.locator("#id_nik")).to_have_attribute("aria-describedby", re.compile(r"\bid_nik_error\b"))
    nik_box, error_box = page.locator("#id_nik").bounding_box(), errors.bounding_box()
    assert nik_box and error_box
    assert 0 <= error_box["y"] - (nik_box["y"] + nik_box["height"]) < 40, "the error must sit right under the NIK"
    expect(page.locator("main form .message-error")).to_be_visible()
    # Everything else typed is kept, so only the NIK needs retyping.
    expect(page.locator("#id_full_name")).to_have_value(NAME)
    expect(page.locator("#id_village")).to_have_value("14.03.01.2004")
    expect(page.locator("#id_birth_date")).to_have_value(BIRTH_DATE.isoformat())
    shoot(page, "02-register-nik-error")
    assert not Participant.objects.filter(full_name=NAME).exists()

    page.fill("#id_nik", NIK)
    submit_form(page)
    expect(page).to_have_url(re.compile(r"/participants/\d+/$"))
    success = page.locator("main .message-success")
    expect(success).to_be_visible()
    expect(success).to_contain_text(NAME)
    expect(page.locator("main h1")).to_have_text(NAME)
    shoot(page, "03-registered")
    participant = Participant.objects.get(nik=NIK)
    assert (participant.full_name, participant.coordinator_id, participant.village_id, participant.district_id) == (
        NAME,
        coordinator.pk,
        "14.03.01.2004",
        "14.03.01",
    )
    assert page.url.endswith(f"/participants/{participant.pk}/")

    page.goto("/participants/")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    page.fill("form.table-search input[name=q]", "santoso")
    page.locator("form.table-search fieldset button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"[?&]q=santoso"))
    expect(rows).to_have_count(1)
    expect(rows.first.locator(f"a[href$='/participants/{participant.pk}/']")).to_have_text(NAME)
    expect(page.locator("form.table-search input[name=q]")).to_have_value("santoso")
    shoot(page, "04-search")

    page.locator("header details.menu-toggle summary").click()
    sign_out = page.locator("header form[action$='/accounts/logout/'] button[type=submit]")
    expect(sign_out).to_be_visible()
    sign_out.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("header details.menu-toggle")).to_have_count(0)
    page.goto("/participants/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=(/|%2F)participants(/|%2F)$"))
    page.goto(f"/participants/{participant.pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    shoot(page, "05-signed-out")


def test_phone_registration_with_district_village_cascade(phone_page: Page, coordinator: User) -> None:
    page = phone_page
    sign_in(page, coordinator.username)
    expect(page.locator("header details.menu-toggle")).to_be_visible()
    assert page_width(page) <= PHONE["width"] + SCROLL_TOLERANCE_PX

    page.goto("/participants/new/")
    assert page_width(page) <= PHONE["width"] + SCROLL_TOLERANCE_PX, "the form scrolls sideways on a phone"
    shoot(page, "10-phone-form")

    village = page.locator("#id_village")
    expect(village.locator("option[value='14.03.01.2004']")).to_have_count(1)
    with page.expect_response(re.compile(r"/regions/options/villages/\?.*district=14\.03\.09")):
        page.select_option("#id_district", "14.03.09")
    # htmx swaps in the other district's villages: the old ones are gone.
    expect(village.locator("option[value='14.03.09.1001']")).to_have_count(1)
    expect(village.locator("option[value='14.03.01.2004']")).to_have_count(0)
    page.select_option("#id_village", "14.03.09.1001")

    fill_identity(page, nik=NIK_WOMAN)
    submit_form(page)
    errors = page.locator("#id_nik_error")
    expect(errors).to_be_visible()
    errors.scroll_into_view_if_needed()
    expect(errors).to_be_in_viewport()
    # The chosen district and its villages survive the failed submission.
    expect(page.locator("#id_district")).to_have_value("14.03.09")
    expect(village).to_have_value("14.03.09.1001")
    assert page_width(page) <= PHONE["width"] + SCROLL_TOLERANCE_PX, "the error messages widen the page"
    shoot(page, "11-phone-nik-error")
    assert not Participant.objects.exists()

    page.check("input[name=sex][value=F]")
    page.fill("#id_full_name", "Siti Aminah")
    submit_form(page)
    expect(page).to_have_url(re.compile(r"/participants/\d+/$"))
    expect(page.locator("main .message-success")).to_be_visible()
    assert page_width(page) <= PHONE["width"] + SCROLL_TOLERANCE_PX
    shoot(page, "12-phone-registered")
    saved = Participant.objects.get(nik=NIK_WOMAN)
    assert (saved.sex, saved.village_id, saved.district_id) == ("F", "14.03.09.1001", "14.03.09")

    page.goto("/participants/")
    expect(page.locator("main table tbody tr")).to_have_count(1)
    assert page_width(page) <= PHONE["width"] + SCROLL_TOLERANCE_PX, "the participant list scrolls sideways"
    shoot(page, "13-phone-list")

    page.locator("header details.menu-toggle summary").click()
    expect(page.locator("header form[action$='/accounts/logout/'] button[type=submit]")).to_be_in_viewport()
    shoot(page, "14-phone-menu")


def test_district_change_without_javascript(phone_page_without_javascript: Page, coordinator: User) -> None:
    """Without scripts the villages cannot reload in place; submitting lists them for the new district."""
    page = phone_page_without_javascript
    sign_in(page, coordinator.username)
    page.goto("/participants/new/")
    fill_identity(page, nik=NIK)
    page.select_option("#id_district", "14.03.09")
    submit_form(page)
    expect(page.locator("#id_village_error")).to_be_visible()
    expect(page.locator("#id_village option[value='14.03.09.1001']")).to_have_count(1)
    expect(page.locator("#id_village option[value='14.03.01.2004']")).to_have_count(0)
    page.select_option("#id_village", "14.03.09.1001")
    submit_form(page)
    expect(page).to_have_url(re.compile(r"/participants/\d+/$"))
    expect(page.locator("main .message-success")).to_be_visible()
    assert Participant.objects.get(nik=NIK).village_id == "14.03.09.1001"
