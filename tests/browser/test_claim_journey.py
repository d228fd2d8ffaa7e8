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
from .support import PHONE, fetch_document, open_page, shoot, sign_in

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
    "lindung.claims.migrations.0008_voucher_archive_bill_outreach_grants",
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


def staff_member(username: str, duty: str) -> User:
    user = UserFactory(username=username, role=Role.OFFICER)
    user.duties.add(Duty.objects.get(code=duty))
    return user


def refused(page: Page, text: str) -> None:
    expect(page.locator("main .message-error")).to_contain_text(text)


def open_claim(page: Page, claim: Claim) -> None:
    page.goto(f"/claims/{claim.pk}/", wait_until="load")


def test_a_claim_from_the_counter_to_the_archive(
    phone: Page, browser: Browser, live_server: LiveServer, coordinator: User, services_officer: User
) -> None:
    """Drafted at the counter by a claims services officer, paid by finance with its
    transaction code, the voucher printed and signed off by the heads of services and
    finance and the branch head, in that order, archived into a box and found again by
    its transaction code. Each step through the pages a person uses."""
    participant = ParticipantFactory(coordinator=coordinator, full_name=NAME, birth_date=datetime.date(1960, 1, 1))
    finance = staff_member("kabid.keuangan", "finance_head")
    services_head = staff_member("kabid.pelayanan", "services_head")
    branch_head = staff_member("kepala.cabang", "branch_head")
    code, box, position = "BTRX-2026-000123", "JHT-2026-12", "17"

    # The officer at the counter drafts the claim for the participant who walked in.
    page = phone
    sign_in(page, services_officer.username)
    page.goto("/claims/new/", wait_until="load")
    page.fill("#id_nik", participant.nik)
    page.select_option("#id_program", "jht")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/claims/\d+/edit/$"), wait_until="load")
    claim = Claim.objects.get(participant=participant)
    assert claim.created_by == services_officer and claim.coordinator == coordinator
    page.select_option("#id_jht_reason", "age_56")
    page.fill("#id_balance", "12000000")
    page.fill("#id_bank_account_holder", NAME.upper())
    page.fill("#id_bank_account_number", "0123456789")
    page.locator("#facts button[type=submit]").click()
    expect(page.locator("#eligibility .badge-active")).to_be_visible()
    check(page, "counter-01-drafted")

    # The papers the participant brought, uploaded and accepted; then submitted, verified, approved.
    page.goto(f"/claims/{claim.pk}/documents/", wait_until="load")
    upload(page, "ktp", name_on_document=NAME, nik_on_document=participant.nik)
    upload(page, "kk")
    upload(page, "kpj")
    upload(page, "bank_book", account_holder_on_document=NAME)
    expect(page.locator("#mismatches article.mismatch")).to_have_count(0)
    page.goto(f"/claims/{claim.pk}/edit/", wait_until="load")
    move(page, "submit")
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/$"), wait_until="load")
    page.goto(f"/claims/{claim.pk}/documents/", wait_until="load")
    for kind in DOCUMENTS:
        page.locator(f"#doc-{kind} button[value=accept]").click()
        expect(page.locator(f"#doc-{kind} .badge")).to_have_class(re.compile("badge-active"))
    open_claim(page, claim)
    move(page, "verify")
    expect(page.locator("main form:has(input[value=approve])")).to_be_visible()
    move(page, "approve")
    expect(page.locator("main h1")).to_contain_text("Disetujui")
    check(page, "counter-02-approved")

    # Finance records the payment with the bank's transaction code and prints the voucher.
    with open_page(browser, live_server.url, PHONE) as finance_page:
        sign_in(finance_page, finance.username)
        open_claim(finance_page, claim)
        pay = finance_page.locator("main form:has(input[name=transition][value=pay])")
        pay.locator("input[name=transaction_code]").fill(code)
        check(finance_page, "counter-03-pay")
        pay.locator("button").click()
        expect(finance_page.locator("main h1")).to_contain_text("Dibayar")
        move(finance_page, "print_voucher")
        voucher = finance_page.locator(f"main a[href$='/claims/{claim.pk}/voucher.pdf']")
        expect(voucher).to_be_visible()
        check(finance_page, "counter-04-voucher")
        pdf = fetch_document(finance_page, voucher.get_attribute("href") or "")
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")

        # The branch head is last: signing first is refused, and nothing is recorded.
        with open_page(browser, live_server.url, PHONE) as branch_page:
            sign_in(branch_page, branch_head.username)
            open_claim(branch_page, claim)
            move(branch_page, "sign_branch")
            refused(branch_page, "Kepala bidang pelayanan menandatangani lebih dahulu")
            check(branch_page, "counter-05-branch-too-early")
            claim.refresh_from_db()
            assert claim.status == ClaimStatus.VOUCHER_PRINTED and claim.branch_signed_by is None

            # The head of services signs first; signing for finance from their page is refused.
            with open_page(browser, live_server.url, PHONE) as services_head_page:
                sign_in(services_head_page, services_head.username)
                open_claim(services_head_page, claim)
                expect(services_head_page.locator("main input[name=transition][value=sign_finance]")).to_have_count(0)
                move(services_head_page, "sign_services")
                expect(services_head_page.locator("main h1")).to_contain_text("Sedang ditandatangani")
                # A forged step: their own form, its hidden step changed to finance's.
                services_head_page.locator("main input[name=transition][value=sign_services]").evaluate(
                    "input => { input.value = 'sign_finance' }"
                )
                services_head_page.locator("main form:has(input[name=transition][value=sign_finance]) button").click()
                refused(services_head_page, "Anda tidak boleh")
                claim.refresh_from_db()
                assert claim.services_signed_by == services_head and claim.finance_signed_by is None

            # Then finance, then the branch head.
            open_claim(finance_page, claim)
            move(finance_page, "sign_finance")
            expect(finance_page.locator("main h1")).to_contain_text("Sedang ditandatangani")
            open_claim(branch_page, claim)
            move(branch_page, "sign_branch")
            expect(branch_page.locator("main h1")).to_contain_text("Sudah ditandatangani")
            check(branch_page, "counter-06-signed")
    claim.refresh_from_db()
    signers = (claim.services_signed_by, claim.finance_signed_by, claim.branch_signed_by)
    assert signers == (services_head, finance, branch_head)
    assert claim.services_signed_at < claim.finance_signed_at < claim.branch_signed_at  # type: ignore[operator]

    # Claims services put the dossier in its box, then find it by the transaction code.
    open_claim(page, claim)
    archive = page.locator("main form:has(input[name=transition][value=archive])")
    archive.locator("input[name=archive_box]").fill(box)
    archive.locator("input[name=archive_position]").fill(position)
    archive.locator("button").click()
    expect(page.locator("main h1")).to_contain_text("Diarsipkan")
    expect(page.locator("main")).to_contain_text(f"{box}, posisi {position}")
    check(page, "counter-07-archived")
    page.goto("/claims/archive/", wait_until="load")
    page.fill("#id_q", code)
    page.locator("main form.filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"/claims/archive/\?"), wait_until="load")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(code)
    expect(rows).to_contain_text(NAME)
    expect(rows).to_contain_text(f"{box} · {position}")
    check(page, "counter-08-found")
    rows.locator(f"a[href$='/claims/{claim.pk}/']").click()
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/$"), wait_until="load")
    expect(page.locator("main h1")).to_contain_text("Diarsipkan")
