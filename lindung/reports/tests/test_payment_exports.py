"""Payment exports (CON-6): scope, filters, contents in CSV, Excel and PDF."""

import datetime
import uuid

import pytest
from django.urls import reverse

from lindung.billing.bills.services import bills_generate
from lindung.billing.payments.services import PaymentInput, payment_record, payment_reverse
from lindung.billing.tests.factories import cash_method, informal_participant, transfer_method

from .test_exports import body, csv_rows, pdf_text, xlsx_rows

pytestmark = pytest.mark.django_db
FORMATS = ("csv", "xlsx", "pdf")


def url(fmt, **query):
    path = reverse("reports:export", args=["payments", fmt])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def pay(actor, participant, amount, *, on, method, reference=""):
    data = PaymentInput(amount=amount, paid_on=on, method=method, reference=reference)
    return payment_record(actor=actor, participant=participant, data=data, submission_key=uuid.uuid4().hex)


@pytest.fixture
def world(coord_a, coord_b, admin):
    mine = informal_participant(coordinator=coord_a, full_name="Siti Aminah")
    theirs = informal_participant(coordinator=coord_b, full_name="Budi Santoso")
    for month in (1, 2, 3):
        bills_generate(month=datetime.date(2026, month, 1))
    cash, transfer = cash_method(), transfer_method()
    a1 = pay(coord_a, mine, 16_800, on=datetime.date(2026, 2, 10), method=cash)
    a2 = pay(coord_a, mine, 33_600, on=datetime.date(2026, 3, 15), method=transfer, reference="BRI-778")
    b1 = pay(coord_b, theirs, 16_800, on=datetime.date(2026, 3, 1), method=cash)
    reversal = payment_reverse(actor=admin, payment=a1, reason="double entry")
    return {
        "a": coord_a,
        "b": coord_b,
        "admin": admin,
        "mine": mine,
        "payments": {"a1": a1, "a2": a2, "b1": b1, "reversal": reversal},
        "cash": cash,
        "transfer": transfer,
    }


def receipts(client, **query):
    response = client.get(url("csv", **query))
    assert response.status_code == 200
    rows = csv_rows(body(response))
    return [r[0] for r in rows[1:]], rows


@pytest.mark.parametrize("fmt", FORMATS)
def test_anonymous_is_sent_to_login(client, world, fmt):
    response = client.get(url(fmt))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_each_coordinator_gets_only_their_participants_payments_and_admin_all(client, world):
    p = world["payments"]
    client.force_login(world["a"])
    mine, _rows = receipts(client)
    assert set(mine) == {p["a1"].receipt_number, p["a2"].receipt_number, p["reversal"].receipt_number}
    client.force_login(world["b"])
    assert receipts(client)[0] == [p["b1"].receipt_number]
    # Asking for A's coordinator filter does not widen B's scope.
    assert receipts(client, coordinator=world["a"].pk)[0] == [p["b1"].receipt_number]
    client.force_login(world["admin"])
    assert len(receipts(client)[0]) == 4
    assert set(receipts(client, coordinator=world["b"].pk)[0]) == {p["b1"].receipt_number}


def test_filters_and_search(client, world):
    p = world["payments"]
    client.force_login(world["admin"])
    march = receipts(client, date_from="2026-03-01", date_to="2026-03-31")[0]
    assert set(march) == {p["a2"].receipt_number, p["b1"].receipt_number}
    assert receipts(client, method=world["transfer"].pk)[0] == [p["a2"].receipt_number]
    assert set(receipts(client, collected_by=world["b"].pk)[0]) == {p["b1"].receipt_number}
    assert receipts(client, q="BRI-778")[0] == [p["a2"].receipt_number]
    assert receipts(client, q=p["b1"].receipt_number)[0] == [p["b1"].receipt_number]
    assert set(receipts(client, q="aminah")[0]) == {p["a1"].receipt_number, p["a2"].receipt_number} | {
        p["reversal"].receipt_number
    }
    # Unreadable values filter nothing rather than fail.
    assert len(receipts(client, date_from="yesterday", method="cash")[0]) == 4


def test_csv_and_excel_contents_with_negative_reversals(client, world):
    p = world["payments"]
    client.force_login(world["a"])
    _receipts, rows = receipts(client)
    header = rows[0]
    assert header == [
        "Receipt",
        "Date",
        "Participant",
        "NIK",
        "Amount (Rp)",
        "Method",
        "Reference",
        "Collected by",
        "Months covered",
    ]
    by_receipt = {r[0]: r for r in rows[1:]}
    reversal = by_receipt[p["reversal"].receipt_number]
    assert reversal[4] == "-16800" and reversal[3] == world["mine"].nik and reversal[8] == "1"
    assert by_receipt[p["a2"].receipt_number][4:7] == ["33600", "Transfer bank", "BRI-778"]
    assert by_receipt[p["a2"].receipt_number][8] == "2"
    xlsx = xlsx_rows(body(client.get(url("xlsx"))))
    amounts = sorted(r[4] for r in xlsx[1:])
    assert amounts == [-16800, 16800, 33600]
    assert {r[3] for r in xlsx[1:]} == {world["mine"].nik}


def test_pdf_masks_the_nik(client, world):
    client.force_login(world["a"])
    text = pdf_text(body(client.get(url("pdf"))))
    assert world["mine"].masked_nik in text and world["mine"].nik not in text
    assert "Siti Aminah" in text and "BRI-778" in text


def test_query_count_is_constant_in_rows(client, world, django_assert_max_num_queries):
    client.force_login(world["admin"])
    with django_assert_max_num_queries(12):
        body(client.get(url("csv")))
    for i in range(5):
        on = datetime.date(2026, 3, 20)
        pay(world["admin"], world["mine"], 1, on=on, method=world["transfer"], reference=f"X{i}")
    with django_assert_max_num_queries(12):
        body(client.get(url("csv")))
