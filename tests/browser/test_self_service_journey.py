"""Issue 11's journey at 360 px: a worker registers herself (the KTP photo is shrunk on
the phone), a coordinator of her village verifies and accepts, the worker signs in with
the one-time code read from the development provider's outbox, sees the contribution
owed and downloads her card. Every public and participant page met on the way is checked
like the menu pages (tests/browser/test_every_page.py): no sideways scroll, no serious
axe violation, no English left on the Indonesian page, first visit under 150 KB."""

import datetime
import io
import re

import pytest
from playwright.sync_api import Browser, Page, Response, expect
from pytest_django.live_server_helper import LiveServer

from lindung.accounts.models import User
from lindung.core.tests.factories import AdminFactory
from lindung.participants.models import Participant
from lindung.participants.services import participant_transition
from lindung.participants.tests.factories import make_nik

from .page_checks import axe_violations, sideways_scroll, transferred_bytes, untranslated
from .support import PHONE, open_page, shoot, sign_in

pytestmark = pytest.mark.browser

BIRTH = datetime.date(1993, 4, 21)
NIK = make_nik(BIRTH, "F", 12)
BUDGET_BYTES = 150 * 1024


def camera_photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.effect_noise((2400, 1600), 60).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def check_page(page: Page, problems: list[str]) -> None:
    path = page.url.split("//", 1)[-1].split("/", 1)[-1]
    if (extra := sideways_scroll(page)) > 0:
        problems.append(f"/{path}: scrolls sideways by {extra} px at 360 px")
    problems += [f"/{path}: axe {v}" for v in axe_violations(page)]
    problems += [f"/{path}: untranslated {text!r}" for text in untranslated(page)]


def first_visit_bytes(browser: Browser, base_url: str, path: str, storage: object = None) -> int:
    context = browser.new_context(base_url=base_url, viewport=PHONE, storage_state=storage)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
        responses: list[Response] = []
        page.on("response", lambda response: responses.append(response))
        page.goto(path, wait_until="networkidle")
        return sum(transferred_bytes(r) for r in responses)
    finally:
        context.close()


def register_herself(page: Page, problems: list[str]) -> None:
    page.goto("/daftar/")
    check_page(page, problems)
    page.fill("#id_nik", NIK)
    page.fill("#id_full_name", "Siti Rahmawati")
    page.fill("#id_birth_place", "Bengkalis")
    page.fill("#id_birth_date", BIRTH.isoformat())
    page.check("input[name=sex][value=F]")
    expect(page.locator("#nik-check")).to_contain_text("cocok")
    page.fill("#id_phone", "0813-6543-2100")
    page.locator("#id_village_query").press_sequentially("Kelapa")
    expect(page.locator("#id_village option[value='14.03.01.2004']")).to_have_count(1)
    page.select_option("#id_village", "14.03.01.2004")
    page.fill("#id_address", "Jl. Nelayan No. 4, RT 01/RW 02")
    page.fill("#id_occupation", "Pedagang ikan")
    page.locator("#id_declared_income").press_sequentially("1500000")
    expect(page.locator("#contribution")).to_contain_text("Rp 21.800")
    page.set_input_files("#id_ktp_photo", {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": camera_photo()})
    expect(page.locator("#photo-status")).to_contain_text("diperkecil")
    page.check("#id_contact_consent")
    check_page(page, problems)
    shoot(page, "selfservice-01-register")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/daftar/terkirim/$"))
    check_page(page, problems)


def coordinator_accepts(browser: Browser, base_url: str, coordinator: User, problems: list[str]) -> None:
    with open_page(browser, base_url, PHONE) as staff:
        sign_in(staff, coordinator.username)
        staff.goto("/")
        staff.locator("summary").first.click()
        staff.locator("a[href='/selfservice/registrations/']").first.click()
        check_page(staff, problems)
        staff.get_by_role("link", name="Siti Rahmawati").click()
        expect(staff.locator("main")).to_contain_text("Kemungkinan ganda")
        check_page(staff, problems)
        shoot(staff, "selfservice-02-verify")
        staff.get_by_role("button", name="Terima dan daftarkan").click()
        expect(staff).to_have_url(re.compile(r"/participants/\d+/$"))


def code_from_development_outbox(browser: Browser, base_url: str) -> str:
    admin = AdminFactory(username="admin.dev")
    with open_page(browser, base_url, PHONE) as outbox:
        sign_in(outbox, admin.username)
        outbox.goto("/messaging/dev-outbox/")
        text = outbox.locator("main").inner_text()
    found = re.search(r"Kode masuk Lindung Anda: (\d{6})", text)
    assert found, text
    return found.group(1)


def test_worker_registers_is_verified_signs_in_and_downloads_the_card(
    browser: Browser, live_server: LiveServer, phone_page: Page, coordinator: User
) -> None:
    page = phone_page
    problems: list[str] = []
    register_herself(page, problems)
    coordinator_accepts(browser, live_server.url, coordinator, problems)

    # An administrator activates the membership; the first bill is issued with it.
    participant = Participant.objects.get(nik=NIK)
    participant_transition(actor=AdminFactory(), participant=participant, transition="activate")

    page.goto("/saya/")
    expect(page).to_have_url(re.compile(r"/saya/masuk/"))
    check_page(page, problems)
    page.fill("#id_nik", NIK)
    page.fill("#id_birth_date", BIRTH.isoformat())
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/saya/masuk/kode/"))
    check_page(page, problems)
    page.fill("#id_code", code_from_development_outbox(browser, live_server.url))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/saya/$"))
    expect(page.locator("main")).to_contain_text("Siti Rahmawati")
    expect(page.locator("main")).to_contain_text("Harus dibayar sekarang: Rp 21.800")
    shoot(page, "selfservice-03-own-record")
    check_page(page, problems)

    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh kartu saya (PDF)").click()
    assert download.value.suggested_filename == "kartu-lindung.pdf"

    own_pages = ["/saya/", "/saya/tagihan/", "/saya/klaim/", "/saya/pesan/", "/saya/koreksi/"]
    for path in own_pages[1:]:
        page.goto(path)
        check_page(page, problems)
    assert not problems, "\n".join(problems)

    session = page.context.storage_state()
    weights = {path: first_visit_bytes(browser, live_server.url, path) for path in ("/daftar/", "/saya/masuk/")}
    weights |= {path: first_visit_bytes(browser, live_server.url, path, session) for path in own_pages}
    too_heavy = {path: size for path, size in weights.items() if size > BUDGET_BYTES}
    assert not too_heavy, f"over {BUDGET_BYTES // 1024} KB: {too_heavy}"


def test_the_registration_form_works_without_javascript(phone_page_without_javascript: Page, coordinator: User) -> None:
    page = phone_page_without_javascript
    page.goto("/daftar/")
    page.fill("#id_nik", NIK)
    page.fill("#id_full_name", "Siti Rahmawati")
    page.fill("#id_birth_place", "Bengkalis")
    page.fill("#id_birth_date", BIRTH.isoformat())
    page.check("input[name=sex][value=F]")
    page.fill("#id_phone", "0813-6543-2100")
    page.fill("#id_village_query", "Kelapapati")
    page.fill("#id_address", "Jl. Nelayan No. 4")
    page.fill("#id_occupation", "Pedagang ikan")
    page.fill("#id_declared_income", "1500000")
    page.set_input_files("#id_ktp_photo", {"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": camera_photo()})
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/daftar/terkirim/$"))
