"""The public pages of issue 11 on a 360 px phone: a complaint filed and followed by its
number, service points nearest first (village typed without JavaScript, or the phone's
position), an information page with worked examples, and the QR check-in. Each page:
no sideways scroll, no serious axe-core violation, no untranslated English."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from lindung.core.tests.factories import CoordinatorFactory, bengkalis_village, mandau_village
from lindung.feedback.models import Ticket
from lindung.info.tests.factories import service_point
from lindung.outreach.tests.factories import outreach_event

from .page_checks import axe_violations, sideways_scroll, untranslated

pytestmark = pytest.mark.browser

SEEDS = [
    "lindung.claims.migrations.0002_seed_benefit_rules",
    "lindung.info.migrations.0002_seed_pages",
    "lindung.feedback.migrations.0002_seed_categories",
    "lindung.outreach.migrations.0002_seed_questions",
]


@pytest.fixture(autouse=True)
def _seeded(live_server: LiveServer) -> None:
    """The live server's database is flushed after each test: put the seeded rows back."""
    from lindung.claims.rules import BenefitRule

    for name in SEEDS:
        if name.startswith("lindung.claims") and BenefitRule.objects.exists():
            continue
        importlib.import_module(name).seed(apps, None)


def _check(page: Page) -> None:
    assert sideways_scroll(page) == 0, f"{page.url} scrolls sideways at 360 px"
    assert axe_violations(page) == [], page.url
    assert untranslated(page) == [], page.url


def test_a_complaint_filed_from_the_public_page_is_followed_by_its_number(phone_page: Page) -> None:
    page = phone_page
    page.goto("/feedback/")
    _check(page)
    page.get_by_label("Tentang").select_option(label="Klaim manfaat")
    page.get_by_label("Perihal").fill("Klaim JKM belum dibayar")
    page.get_by_label("Pesan Anda").fill("Berkas sudah lengkap sejak bulan lalu.")
    page.get_by_label("Telepon (WhatsApp)").fill("081234567890")
    page.get_by_role("button", name="Kirim", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tiket")
    ticket = Ticket.objects.get()
    expect(page.get_by_role("status")).to_contain_text(ticket.display_number)
    _check(page)

    # Later, from another visit: only the number opens it.
    page.goto("/feedback/follow/")
    _check(page)
    page.get_by_label("Nomor tiket").fill("ABCD-EFGH-JKLM")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.get_by_text("Tidak ada tiket dengan nomor ini")).to_be_visible()
    page.get_by_label("Nomor tiket").fill(ticket.display_number.lower())
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.get_by_text("Klaim JKM belum dibayar")).to_be_visible()
    expect(page.get_by_text("Menunggu jawaban")).to_be_visible()
    page.get_by_label("Balasan").fill("Mohon kabarnya.")
    page.get_by_role("button", name="Tambahkan pesan").click()
    expect(page.get_by_text("Mohon kabarnya.")).to_be_visible()
    _check(page)


def test_service_points_from_a_typed_village_without_javascript(
    phone_page_without_javascript: Page, phone_page: Page
) -> None:
    page = phone_page_without_javascript
    service_point(name="Kantor Cabang Bengkalis")
    service_point(
        name="Agen Pembayaran Duri",
        kind="payment",
        village=mandau_village(),
        latitude=Decimal("1.280000"),
        longitude=Decimal("101.200000"),
    )
    page.goto("/info/service-points/")
    expect(page.get_by_role("button", name="Gunakan lokasi saya")).to_be_hidden()
    page.get_by_label("Desa Anda").fill("Air Jamban")
    page.get_by_role("button", name="Cari").click()
    names = page.locator(".point-list h3").all_inner_texts()
    assert names == ["Agen Pembayaran Duri", "Kantor Cabang Bengkalis"]
    expect(page.get_by_role("link", name="Buka di aplikasi peta").first).to_have_attribute(
        "href", "geo:1.280000,101.200000"
    )
    # The checks run scripts in the page, so they look at the same result with scripts on.
    phone_page.goto(page.url)
    _check(phone_page)


def test_service_points_from_the_phones_position(phone_page: Page) -> None:
    page = phone_page
    service_point(name="Jauh", latitude=Decimal("0.500000"), longitude=Decimal("101.400000"))
    service_point(name="Dekat", latitude=Decimal("1.470000"), longitude=Decimal("102.100000"))
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 1.47, "longitude": 102.11})
    page.goto("/info/service-points/")
    page.get_by_role("button", name="Gunakan lokasi saya").click()
    expect(page.get_by_role("heading", name="Terdekat dari Anda")).to_be_visible()
    assert page.locator(".point-list h3").all_inner_texts() == ["Dekat", "Jauh"]
    _check(page)


def test_an_information_page_shows_worked_examples_in_rupiah(phone_page: Page) -> None:
    page = phone_page
    page.goto("/info/")
    _check(page)
    page.get_by_role("link", name="Jaminan Kematian (JKM)").first.click()
    expect(page.get_by_role("heading", name="Contoh perhitungan")).to_be_visible()
    expect(page.get_by_text("Rp 20.000.000").first).to_be_visible()
    page.get_by_label("Penghasilan bulanan (Rp)").fill("3000000")
    page.get_by_role("button", name="Hitung ulang").click()
    expect(page.get_by_text("Rp 3.000.000").first).to_be_visible()
    _check(page)


def test_qr_check_in_on_a_phone(phone_page: Page) -> None:
    page = phone_page
    bengkalis_village()
    event = outreach_event(coordinator=CoordinatorFactory())
    page.goto(f"/outreach/checkin/{event.checkin_code}/")
    _check(page)
    page.get_by_label("Nama Anda").fill("Siti")
    for group in page.locator("fieldset").all():
        group.get_by_role("radio").first.check()
    page.get_by_role("button", name="Absen hadir").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Siti")
    assert event.attendees.get().responses.count() == 1
    _check(page)
