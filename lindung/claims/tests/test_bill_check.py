"""The JKK hospital bill check (CLM-7): medicine lines against the standard price in
force on their date (the lower is paid), flags with reasons, totals; imports all or
nothing; who may enter a bill."""

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from lindung.claims.claim import ClaimProgram, ClaimStatus
from lindung.claims.medical.check import check_bill, check_claim_bill
from lindung.claims.medical.models import BillLine, LineKind, MedicinePrice
from lindung.claims.medical.services import bill_line_add, bill_lines_import, price_list_import
from lindung.claims.services import claim_draft
from lindung.participants.tests.factories import ParticipantFactory

from .factories import jht_claim, officer
from .flow import client_for

pytestmark = pytest.mark.django_db
ACCIDENT = datetime.date(2026, 3, 10)
NEW_LIST = datetime.date(2026, 4, 1)


@pytest.fixture
def prices() -> None:
    MedicinePrice.objects.create(
        code="PCT500", name="Paracetamol 500 mg", unit="tablet", price=500,
        valid_from=datetime.date(2025, 1, 1), valid_to=NEW_LIST - datetime.timedelta(days=1), source="List 2025",
    )  # fmt: skip
    MedicinePrice.objects.create(
        code="PCT500", name="Paracetamol 500 mg", unit="tablet", price=400, valid_from=NEW_LIST, source="List 2026"
    )


def jkk_claim(coordinator: Any) -> Any:
    participant = ParticipantFactory(coordinator=coordinator)
    return claim_draft(
        actor=coordinator,
        participant=participant,
        program=ClaimProgram.WORK_ACCIDENT,
        facts={"event_date": ACCIDENT, "accident_place": "Pasar", "wage": 3_000_000},
    )


def line(no: int, day: datetime.date, quantity: str, unit_price: int, amount: int, **kw: Any) -> BillLine:
    values = {"kind": LineKind.MEDICINE, "code": "PCT500", "description": "Paracetamol", **kw}
    return BillLine(
        line_no=no, service_date=day, quantity=Decimal(quantity), unit_price=unit_price, amount=amount, **values
    )


def test_the_lower_of_claimed_and_standard_is_paid_by_the_price_on_the_lines_date(prices: None) -> None:
    day_before, first_day = NEW_LIST - datetime.timedelta(days=1), NEW_LIST
    result = check_bill(
        [
            line(1, day_before, "10", 600, 6_000),  # standard 500 → 5,000
            line(2, first_day, "10", 600, 6_000),  # standard 400 → 4,000
            line(3, first_day, "10", 300, 3_000),  # below standard: as claimed
        ],
        ACCIDENT,
    )
    assert [c.allowed for c in result.lines] == [5_000, 4_000, 3_000]
    assert [c.standard_price for c in result.lines] == [500, 400, 400]
    assert "Above the standard price of Rp 500 per tablet" in result.lines[0].flags[0]
    assert result.lines[2].flags == []
    assert (result.claimed, result.allowed, result.held, result.cut) == (15_000, 12_000, 0, 3_000)


def test_unknown_medicine_duplicate_and_pre_accident_lines_are_held_with_reasons(prices: None) -> None:
    day = datetime.date(2026, 5, 2)
    result = check_bill(
        [
            line(1, day, "2", 1_000, 2_000, code="XYZ", description="Unknown"),
            line(2, day, "1", 400, 400),
            line(3, day, "1", 400, 400),
            line(4, ACCIDENT - datetime.timedelta(days=1), "1", 400, 400),
            line(5, ACCIDENT, "1", 400, 400, description="Paracetamol again"),
        ],
        ACCIDENT,
    )
    flags = [c.flags for c in result.lines]
    assert "Not on the standard price list in force on 02-05-2026" in flags[0][0]
    assert flags[1] == [] and "Same as line 2" in flags[2][0]
    assert "before the accident" in flags[3][0]
    assert flags[4] == []  # the accident day itself is covered
    assert [c.held for c in result.lines] == [2_000, 0, 400, 400, 0]
    assert (result.allowed, result.held, result.flagged) == (800, 2_800, 3)


def test_care_lines_have_no_ceiling_and_wrong_arithmetic_is_flagged(prices: None) -> None:
    day = datetime.date(2026, 5, 2)
    result = check_bill(
        [
            line(1, day, "3", 2_500_000, 7_500_000, kind=LineKind.CARE, code="", description="ICU"),
            line(2, day, "10", 400, 5_000),  # 10 × 400 is 4,000, not 5,000
        ],
        ACCIDENT,
    )
    assert result.lines[0].allowed == 7_500_000 and result.lines[0].flags == []
    assert "not quantity × unit price (Rp 4.000)" in result.lines[1].flags[0]
    assert result.lines[1].allowed == 4_000


def csv_upload(text: str, name: str = "file.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"))


def xlsx_upload(rows: list[list[object]], name: str = "anything.bin") -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_price_list_import_from_excel_ends_the_previous_price(admin: Any) -> None:
    MedicinePrice.objects.create(
        code="AMX", name="Amoxicillin", price=900, valid_from=datetime.date(2025, 1, 1), source="Old"
    )
    upload = xlsx_upload(
        [
            ["Code", "Name", "Unit", "Price"],
            ["amx", "Amoxicillin 500", "capsule", 850],
            ["IBU", "Ibuprofen", "tablet", "Rp 1.200"],
        ]
    )
    count = price_list_import(actor=admin, upload=upload, valid_from=NEW_LIST, source="Price list 2026 (test)")
    assert count == 2
    old = MedicinePrice.objects.get(code="AMX", valid_from=datetime.date(2025, 1, 1))
    assert old.valid_to == NEW_LIST - datetime.timedelta(days=1)
    assert MedicinePrice.objects.get(code="IBU").price == 1_200


def test_a_bad_price_list_changes_nothing_and_names_the_rows(admin: Any) -> None:
    MedicinePrice.objects.create(
        code="AMX", name="Amoxicillin", price=900, valid_from=datetime.date(2025, 1, 1), source="Old"
    )
    upload = csv_upload(
        "code;name;unit;price\nAMX;Amoxicillin;caps;850\n;No code;;10\nIBU;Ibuprofen;tab;abc\nIBU2;x;;-5\n"
    )
    with pytest.raises(ValidationError) as error:
        price_list_import(actor=admin, upload=upload, valid_from=NEW_LIST, source="x")
    text = " ".join(error.value.messages)
    assert "Row 3: Code and name are required." in text
    assert "Row 4: The price is not an amount in rupiah: abc." in text
    assert "Row 5" in text
    assert MedicinePrice.objects.count() == 1 and MedicinePrice.objects.get().valid_to is None
    with pytest.raises(ValidationError, match="Columns missing: price"):
        price_list_import(actor=admin, upload=csv_upload("code,name,unit\nA,B,C\n"), valid_from=NEW_LIST, source="x")


def test_only_administrators_import_the_price_list(coord_a: Any) -> None:
    for user in (coord_a, officer("claims_services")):
        with pytest.raises(PermissionDenied):
            price_list_import(
                actor=user, upload=csv_upload("code,name,unit,price\nA,B,C,1\n"), valid_from=NEW_LIST, source="x"
            )
    assert client_for(coord_a).get(reverse("claims:medicine_prices")).status_code in (403, 404)


def test_bill_import_and_page_show_flags_and_totals(coord_a: Any, prices: None) -> None:
    claim = jkk_claim(coord_a)
    services_officer = officer("claims_services")
    upload = csv_upload(
        "date,kind,code,description,quantity,unit_price,amount\n"
        '02-05-2026,obat,pct500,Paracetamol,"10,5",600,6300\n'
        "2026-05-02,care,,Rawat inap,2,750000,1500000\n"
    )
    assert bill_lines_import(actor=services_officer, claim=claim, upload=upload) == 2
    check = check_claim_bill(claim.pk, claim.event_date)
    assert check.lines[0].line.quantity == Decimal("10.5") and check.lines[0].allowed == 4_200
    assert check.allowed == 1_504_200
    body = client_for(services_officer).get(reverse("claims:bill", args=[claim.pk])).content.decode()
    assert "Rp 1.504.200" in body and "Above the standard price" in body
    pdf = client_for(services_officer).get(reverse("claims:bill_pdf", args=[claim.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_bad_bill_file_adds_no_line(coord_a: Any) -> None:
    claim = jkk_claim(coord_a)
    upload = csv_upload(
        "date,kind,code,description,quantity,unit_price,amount\n02-05-2026,obat,A,x,1,1,1\n31-02-2026,obat,A,y,0,1,1\n"
    )
    with pytest.raises(ValidationError) as error:
        bill_lines_import(actor=coord_a, claim=claim, upload=upload)
    assert "Row 3" in " ".join(error.value.messages)
    assert not BillLine.objects.exists()


def test_bills_only_for_jkk_claims_before_approval_and_by_those_allowed(coord_a: Any, coord_b: Any) -> None:
    data = {
        "date": datetime.date(2026, 5, 2),
        "kind": "care",
        "code": "",
        "description": "x",
        "quantity": 1,
        "unit_price": 1,
        "amount": 1,
    }
    with pytest.raises(ValidationError, match="work-accident"):
        bill_line_add(actor=coord_a, claim=jht_claim(coord_a), data=data)
    claim = jkk_claim(coord_a)
    with pytest.raises(PermissionDenied):
        bill_line_add(actor=coord_b, claim=claim, data=data)
    with pytest.raises(PermissionDenied):
        bill_line_add(actor=officer("finance_head"), claim=claim, data=data)
    claim.status = ClaimStatus.APPROVED
    claim.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="until the claim is approved"):
        bill_line_add(actor=coord_a, claim=claim, data=data)
    assert not BillLine.objects.exists()
    assert client_for(coord_b).get(reverse("claims:bill", args=[claim.pk])).status_code == 404


def test_a_line_added_through_the_page(coord_a: Any, prices: None) -> None:
    claim = jkk_claim(coord_a)
    response = client_for(coord_a).post(
        reverse("claims:bill", args=[claim.pk]),
        {"action": "add", "date": "2026-05-02", "kind": "medicine", "code": "PCT500", "description": "Paracetamol",
         "quantity": "4", "unit_price": "400", "amount": "1600"},
    )  # fmt: skip
    assert response.status_code == 302
    line = BillLine.objects.get(claim=claim)
    assert (line.line_no, line.amount, line.entered_by) == (1, 1_600, coord_a)
    bad = client_for(coord_a).post(
        reverse("claims:bill", args=[claim.pk]),
        {"action": "add", "date": "2026-05-02", "kind": "medicine", "code": "", "description": "No code",
         "quantity": "1", "unit_price": "1", "amount": "1"},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "needs the medicine&#x27;s code" in bad.content.decode()
