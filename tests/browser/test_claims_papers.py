"""The claims archive, hospital bill check, age outreach, claim papers and the voucher's
public verification page on a 360 px phone, in Indonesian: no sideways scroll, no
serious or critical axe-core violation, nothing left in English."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from lindung.accounts.models import Duty
from lindung.claims.medical.models import BillLine, LineKind, MedicinePrice
from lindung.claims.models import BenefitRule, ClaimProgram, ClaimStatus
from lindung.claims.services import claim_draft
from lindung.claims.tests.factories import jht_claim
from lindung.claims.tests.flow import branch_staff, walk_to
from lindung.core.tests.factories import AdminFactory, CoordinatorFactory
from lindung.participants.tests.factories import ParticipantFactory

from .page_checks import axe_violations, sideways_scroll, untranslated
from .support import PHONE, open_page, sign_in

pytestmark = pytest.mark.browser

SEEDS = (
    "lindung.accounts.migrations.0003_seed_duties",
    "lindung.claims.migrations.0002_seed_benefit_rules",
    "lindung.claims.migrations.0004_claim_duties",
    "lindung.claims.migrations.0006_jht_reasons",
    "lindung.claims.migrations.0008_voucher_archive_bill_outreach_grants",
)


@pytest.fixture
def seeded(live_server: LiveServer) -> None:
    """The live server's database is flushed between tests, data migrations included."""
    if not BenefitRule.objects.exists() or not Duty.objects.exists():
        for module in SEEDS:
            importlib.import_module(module).seed(apps, None)


def test_claims_papers_pages_on_a_phone(browser: Browser, live_server: LiveServer, seeded: None) -> None:
    admin = AdminFactory(username="kepala", first_name="Ani", last_name="Admin")
    staff = branch_staff(admin)
    coordinator = CoordinatorFactory(username="rina")
    archived = walk_to(jht_claim(coordinator), ClaimStatus.ARCHIVED, coordinator, staff, box="JHT-2026-12")
    jkk = claim_draft(
        actor=coordinator,
        participant=ParticipantFactory(coordinator=coordinator),
        program=ClaimProgram.WORK_ACCIDENT,
        facts={"event_date": datetime.date(2026, 3, 1), "accident_place": "Pasar", "wage": 3_000_000},
    )
    MedicinePrice.objects.create(
        code="PCT500",
        name="Parasetamol",
        unit="tablet",
        price=400,
        valid_from=datetime.date(2025, 1, 1),
        source="Daftar",
    )
    for number, (code, amount) in enumerate((("PCT500", 6_000), ("XYZ", 2_000)), start=1):
        BillLine.objects.create(
            claim=jkk, line_no=number, service_date=datetime.date(2026, 3, 2), kind=LineKind.MEDICINE, code=code,
            description="Obat", quantity=Decimal(10), unit_price=amount // 10, amount=amount,
        )  # fmt: skip
    ParticipantFactory(coordinator=coordinator, birth_date=datetime.date(1970, 12, 20), full_name="Siti Aminah")
    paths = [
        "/claims/archive/",
        f"/claims/archive/?box={archived.archive_box}",
        f"/claims/{archived.pk}/",
        f"/claims/{jkk.pk}/bill/",
        "/claims/outreach/?program=jht&months=12",
        f"/claims/outreach/{archived.participant_id}/",
        "/claims/medicine-prices/",
    ]
    with open_page(browser, live_server.url, PHONE) as page:
        sign_in(page, "kepala")
        problems: list[str] = []
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.ok, f"{path}: {response and response.status}"
            if (extra := sideways_scroll(page)) > 0:
                problems.append(f"{path}: {extra}px sideways scroll")
            problems += [f"{path}: {v}" for v in axe_violations(page)]
            problems += [f"{path}: English '{t}'" for t in untranslated(page)]
        assert not problems, "\n".join(problems)
        body = page.goto(f"/claims/{jkk.pk}/bill/")
        assert body is not None
        text = page.inner_text("main")
        assert "Tidak ada di daftar harga obat standar" in text and "Rp 4.000" in text
    with open_page(browser, live_server.url, PHONE) as anonymous:
        anonymous.goto(f"/claims/voucher/{archived.voucher.token}/")
        assert "Nomor voucher" in anonymous.inner_text("main")
        assert sideways_scroll(anonymous) == 0 and not axe_violations(anonymous)
