"""A JHT claim from draft to approval on a 360 px phone: the coordinator drafts it for a
participant past 56, sees the eligibility, uploads the documents, sees the bank book's
holder flagged as not matching, corrects the typed name and submits; the claims officer
accepts the documents, verifies and approves. Every page passes axe and never scrolls
sideways."""

import datetime
import importlib
import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from lindung.accounts.models import Duty, Role, User
from lindung.claims.claim import Claim, ClaimStatus
from lindung.claims.rules import BenefitRule
from lindung.claims.tests.factories import png_bytes
from lindung.core.tests.factories import UserFactory
from lindung.participants.tests.factories import ParticipantFactory

from .page_checks import axe_violations, sideways_scroll
from .support import PHONE, open_page, shoot, sign_in

pytestmark = pytest.mark.browser

NAME = "Budi Santoso"
DOCUMENTS = ("ktp", "kk", "kpj", "bank_book")
# The live server's database is flushed between tests, seeded rows included: put back
# the rules, duties and checklists the journey reads.
SEEDS = (
    "lindung.accounts.migrations.0003_seed_duties",
    "lindung.claims.migrations.0002_seed_benefit_rules",
    "lindung.claims.migrations.0004_claim_duties",
    "lindung.claims.migrations.0006_jht_reasons",
    "lindung.claims.migrations.0008_seed_documents",
)


@pytest.fixture
def seeded(live_server: LiveServer) -> None:
    if not BenefitRule.objects.exists():
        for module in SEEDS:
            importlib.import_module(module).seed(apps, None)


@pytest.fixture
def services_officer(seeded: None) -> User:
    user = UserFactory(username="petugas.klaim", role=Role.OFFICER)
    user.duties.add(Duty.objects.get(code="claims_services"))
    return user


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    with open_page(browser, live_server.url, PHONE) as page:
        yield page


def check(page: Page, name: str) -> None:
    assert sideways_scroll(page) <= 0, f"{name}: scrolls sideways at 360 px"
    assert axe_violations(page) == [], name
    shoot(page, f"claim-{name}")


def move(page: Page, transition: str) -> None:
    page.locator(f"main form:has(input[name=transition][value={transition}]) button").click()


def upload(page: Page, kind: str, **typed: str) -> None:
    page.select_option("#id_kind", kind)
    page.set_input_files("#id_file", files=[{"name": f"{kind}.png", "mimeType": "image/png", "buffer": png_bytes()}])
    for field, value in typed.items():
        page.fill(f"#id_{field}", value)
    page.locator("#upload button[type=submit]").click()
    expect(page.locator(f"#doc-{kind} .badge")).to_be_visible()


def test_a_jht_claim_from_draft_to_approval(
    phone: Page, browser: Browser, live_server: LiveServer, coordinator: User, services_officer: User
) -> None:
    participant = ParticipantFactory(coordinator=coordinator, full_name=NAME, birth_date=datetime.date(1960, 1, 1))

    # The coordinator drafts the claim and sees why it is eligible.
    page = phone
    sign_in(page, coordinator.username)
    page.goto("/claims/")
    page.locator("main a[href$='/claims/new/']").click()
    check(page, "01-new")
    page.fill("#id_nik", participant.nik)
    page.select_option("#id_program", "jht")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/claims/\d+/edit/$"))
    claim = Claim.objects.get(participant=participant)
    page.select_option("#id_jht_reason", "age_56")
    page.fill("#id_balance", "12000000")
    page.fill("#id_bank_account_holder", NAME.upper())
    page.fill("#id_bank_account_number", "0123456789")
    page.locator("#facts button[type=submit]").click()
    expect(page.locator("#eligibility .badge-active")).to_be_visible()
    expect(page.locator("#eligibility")).to_contain_text("PP 46/2015")
    check(page, "02-eligible")

    # Documents: the bank book's holder is typed with a different surname and is flagged.
    page.locator("#documents-summary a").click()
    upload(page, "ktp", name_on_document=NAME, nik_on_document=participant.nik)
    upload(page, "kk")
    upload(page, "kpj")
    upload(page, "bank_book", account_holder_on_document="Budi Santosa")
    flagged = page.locator("#mismatches article.mismatch")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("santosa")
    check(page, "03-mismatch")

    # A slip when copying the bank book: corrected, the mismatch is gone.
    book = page.locator("#doc-bank_book")
    book.locator("summary").click()
    book.locator("input[name$=account_holder_on_document]").fill("BUDI SANTOSO")
    book.locator("details form button[type=submit]").click()
    expect(page.locator("#mismatches article.mismatch")).to_have_count(0)
    page.goto(f"/claims/{claim.pk}/edit/")
    move(page, "submit")
    expect(page).to_have_url(re.compile(rf"/claims/{claim.pk}/$"))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED

    # The claims officer accepts the documents, verifies and approves.
    with open_page(browser, live_server.url, PHONE) as officer_page:
        sign_in(officer_page, services_officer.username)
        officer_page.goto(f"/claims/{claim.pk}/documents/")
        for kind in DOCUMENTS:
            officer_page.locator(f"#doc-{kind} button[value=accept]").click()
            expect(officer_page.locator(f"#doc-{kind} .badge")).to_have_class(re.compile("badge-active"))
        check(officer_page, "04-accepted")
        officer_page.goto(f"/claims/{claim.pk}/")
        move(officer_page, "verify")
        expect(officer_page.locator("main form:has(input[value=approve])")).to_be_visible()
        move(officer_page, "approve")
        expect(officer_page.locator("main h1")).to_contain_text("Disetujui")  # Approved, in Indonesian
        check(officer_page, "05-approved")
        officer_page.goto("/claims/dashboard/")
        check(officer_page, "06-dashboard")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.officer == services_officer
