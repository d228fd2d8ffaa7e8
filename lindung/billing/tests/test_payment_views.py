import datetime
import re
import uuid

import pytest
from django.urls import reverse

from lindung.billing.bills.services import bills_generate
from lindung.billing.models import Bill, Payment
from lindung.billing.payments.services import PaymentInput, payment_record, payment_reverse
from lindung.billing.tests.factories import (
    account_of,
    amend_informal_jkm,
    cash_method,
    informal_participant,
    transfer_method,
)
from lindung.core.tests.clients import login_client

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = (datetime.date(2026, m, 1) for m in (1, 2, 3))
PAID_ON = datetime.date(2026, 3, 20)


@pytest.fixture
def owing(coord_a):
    participant = informal_participant(coordinator=coord_a)
    for month in (JAN, FEB, MAR):
        bills_generate(month=month, participant_ids=[participant.pk])
    return participant


def record(actor, participant, amount=16_800, **extra):
    data = PaymentInput(amount=amount, paid_on=PAID_ON, method=extra.pop("method", cash_method()), **extra)
    return payment_record(actor=actor, participant=participant, data=data, submission_key=uuid.uuid4().hex)


def form_data(**changes):
    data = {
        "amount": "16800",
        "paid_on": PAID_ON.isoformat(),
        "method": str(cash_method().pk),
        "reference": "",
        "prepaid_months": "0",
        "note": "",
        "submission_key": uuid.uuid4().hex,
    }
    data.update({k: str(v) for k, v in changes.items()})
    return data


# --- permissions ---------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_everywhere(owing, coord_a):
    payment = record(coord_a, owing)
    urls = [
        reverse("billing:payment_list"),
        reverse("billing:payment_detail", args=[payment.pk]),
        reverse("billing:payment_receipt", args=[payment.pk]),
        reverse("billing:payment_create", args=[owing.pk]),
        reverse("billing:method_list"),
        reverse("billing:method_create"),
        reverse("billing:account_list"),
        reverse("billing:account_create"),
        reverse("billing:deposit_list"),
        reverse("billing:deposit_create"),
        reverse("billing:collections"),
    ]
    client = login_client()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    response = client.post(reverse("billing:payment_reverse", args=[payment.pk]), {"reason": "x"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_record_page_is_scoped_to_the_participants_coordinator(owing, coord_a, coord_b, admin):
    url = reverse("billing:payment_create", args=[owing.pk])
    assert login_client(coord_a).get(url).status_code == 200
    assert login_client(admin).get(url).status_code == 200
    assert login_client(coord_b).get(url).status_code == 404
    assert login_client(coord_b).post(url, form_data()).status_code == 404
    assert not Payment.objects.exists()


def test_payment_pages_are_scoped(owing, coord_a, coord_b, admin):
    payment = record(coord_a, owing)
    for name in ("billing:payment_detail", "billing:payment_receipt"):
        url = reverse(name, args=[payment.pk])
        assert login_client(coord_a).get(url).status_code == 200, name
        assert login_client(admin).get(url).status_code == 200, name
        assert login_client(coord_b).get(url).status_code == 404, name
    listing = reverse("billing:payment_list")
    assert payment.receipt_number in login_client(coord_a).get(listing).content.decode()
    assert payment.receipt_number not in login_client(coord_b).get(listing).content.decode()
    assert payment.receipt_number in login_client(admin).get(listing).content.decode()


def test_receipt_download_is_private(owing, coord_a):
    payment = record(coord_a, owing)
    response = login_client(coord_a).get(reverse("billing:payment_receipt", args=[payment.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF")
    assert payment.receipt_number in response["Content-Disposition"]


def test_only_admins_reverse_and_coordinators_never_see_the_form(owing, coord_a, coord_b, admin):
    payment = record(coord_a, owing)
    detail = reverse("billing:payment_detail", args=[payment.pk])
    url = reverse("billing:payment_reverse", args=[payment.pk])
    assert url not in login_client(coord_a).get(detail).content.decode()
    assert url in login_client(admin).get(detail).content.decode()
    assert login_client(coord_a).post(url, {"reason": "typo"}).status_code == 403
    assert login_client(coord_b).post(url, {"reason": "typo"}).status_code == 403
    assert not Payment.objects.filter(reversal_of=payment).exists()


def test_admin_reversal_needs_a_reason_and_then_reopens_the_bill(owing, coord_a, admin):
    payment = record(coord_a, owing)
    client = login_client(admin)
    url = reverse("billing:payment_reverse", args=[payment.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    response = client.post(url, {"reason": "wrong participant"}, follow=True)
    reversal = Payment.objects.get(reversal_of=payment)
    assert f"reversal receipt {reversal.receipt_number}" in response.content.decode()
    assert Bill.objects.get(participant=owing, month=JAN).paid_amount == 0
    # A reversed payment offers no second reversal.
    assert url not in client.get(reverse("billing:payment_detail", args=[payment.pk])).content.decode()


# --- recording through the form -----------------------------------------------------


def test_form_is_prefilled_with_the_amount_owed_and_a_fresh_key(owing, coord_a):
    response = login_client(coord_a).get(reverse("billing:payment_create", args=[owing.pk]))
    form = response.context["form"]
    assert form.initial["amount"] == 3 * 16_800
    assert re.fullmatch(r"[0-9a-f]{32}", form.initial["submission_key"])
    assert "collected_by" not in form.fields  # a coordinator collects for themselves
    html = response.content.decode()
    assert 'name="submission_key"' in html and 'type="hidden"' in html
    # Prepayment choices show what each would cost, computed on the server.
    assert "open months only: Rp 50.400" in form.fields["prepaid_months"].help_text


def test_prepay_help_prices_months_ahead_by_the_calculator(owing, coord_a):
    # Paying in March: Jan-Mar are billed (50.400 open); 3 months ahead = Mar (billed) + Apr + May.
    from lindung.billing.selectors import prepay_options

    options = {o.months: o.amount for o in prepay_options(owing, PAID_ON)}
    assert options[0] == 50_400
    assert options[3] == 50_400 + 2 * 16_800
    assert options[12] == 50_400 + 11 * 16_800


def test_prepay_prices_each_month_by_its_own_rules_in_one_pass(owing, coord_a, django_assert_max_num_queries):
    # JKM for informal workers rises from 6.800 to 7.500 in May: April keeps the old
    # rate, May on the new one; the year ahead is priced from one load of the rules.
    from lindung.billing.selectors import prepay_options

    amend_informal_jkm(7_500, datetime.date(2026, 5, 1))
    with django_assert_max_num_queries(8):  # was two queries per month ahead
        options = {o.months: o.amount for o in prepay_options(owing, PAID_ON)}
    assert options[3] == 50_400 + 16_800 + 17_500  # March (billed), April, May
    assert options[12] == 50_400 + 16_800 + 10 * 17_500


def test_recording_succeeds_with_a_message_and_the_receipt_button(owing, coord_a):
    client = login_client(coord_a)
    response = client.post(reverse("billing:payment_create", args=[owing.pk]), form_data(), follow=True)
    payment = Payment.objects.get()
    assert payment.collected_by == coord_a and payment.amount == 16_800 and payment.recorded_by == coord_a
    html = response.content.decode()
    assert f"receipt {payment.receipt_number}" in html
    assert reverse("billing:payment_receipt", args=[payment.pk]) in html
    assert "Download receipt" in html


def test_the_same_form_posted_twice_records_once(owing, coord_a):
    client = login_client(coord_a)
    url = reverse("billing:payment_create", args=[owing.pk])
    data = form_data()
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert Payment.objects.count() == 1
    assert Bill.objects.get(participant=owing, month=JAN).paid_amount == 16_800


def test_recording_takes_one_statement_for_the_receipt_number_and_one_for_the_standing(
    owing, coord_a, django_assert_max_num_queries
):
    client = login_client(coord_a)
    url = reverse("billing:payment_create", args=[owing.pk])
    data = form_data()
    with django_assert_max_num_queries(38) as recorded:
        assert client.post(url, data).status_code == 302
    statements = [q["sql"] for q in recorded.captured_queries]
    assert sum("billing_receiptsequence" in sql for sql in statements) == 1
    assert sum('FROM "billing_bill"' in sql and "COUNT(" in sql for sql in statements) == 1
    assert Payment.objects.get().receipt_number.endswith("-000001")


def test_field_errors_are_shown_beside_their_fields(owing, coord_a):
    client = login_client(coord_a)
    url = reverse("billing:payment_create", args=[owing.pk])
    response = client.post(url, form_data(amount=4 * 16_800))
    assert response.status_code == 200
    assert "Rp 50.400" in " ".join(response.context["form"].errors["amount"])
    future = datetime.date.today() + datetime.timedelta(days=2)
    response = client.post(url, form_data(paid_on=future.isoformat()))
    assert "paid_on" in response.context["form"].errors
    response = client.post(url, form_data(method=transfer_method().pk))
    assert "reference" in response.context["form"].errors
    response = client.post(url, form_data(prepaid_months=5))
    assert "prepaid_months" in response.context["form"].errors
    assert not Payment.objects.exists()


def test_a_reference_already_recorded_is_refused(owing, coord_a):
    client = login_client(coord_a)
    url = reverse("billing:payment_create", args=[owing.pk])
    method = transfer_method()
    assert client.post(url, form_data(method=method.pk, reference="TRX-9")).status_code == 302
    response = client.post(url, form_data(method=method.pk, reference="TRX-9"))
    assert response.status_code == 200
    assert "already been recorded" in " ".join(response.context["form"].errors["reference"])
    assert Payment.objects.count() == 1


def test_coordinator_cannot_use_another_coordinators_account(owing, coord_a, coord_b):
    client = login_client(coord_a)
    url = reverse("billing:payment_create", args=[owing.pk])
    response = client.post(url, form_data(collection_account=account_of(coord_b).pk))
    assert "collection_account" in response.context["form"].errors
    assert client.post(url, form_data(collection_account=account_of(coord_a).pk)).status_code == 302


def test_admin_records_cash_for_the_collecting_coordinator(owing, coord_a, admin):
    client = login_client(admin)
    url = reverse("billing:payment_create", args=[owing.pk])
    response = client.get(url)
    assert response.context["form"].initial["collected_by"] == coord_a.pk
    response = client.post(url, form_data(collected_by=""))
    assert "collected_by" in response.context["form"].errors
    account = account_of(coord_a)
    assert client.post(url, form_data(collected_by=coord_a.pk, collection_account=account.pk)).status_code == 302
    payment = Payment.objects.get()
    assert payment.collected_by == coord_a and payment.recorded_by == admin and payment.collection_account == account


def test_changing_the_months_refreshes_the_amount_without_javascript(owing, coord_a):
    client = login_client(coord_a)
    url = reverse("billing:payment_create", args=[owing.pk])
    data = form_data(prepaid_months=3, amount=1, _refresh=1)
    response = client.post(url, data)
    form = response.context["form"]
    assert not form.is_bound and form.initial["amount"] == 50_400 + 2 * 16_800
    assert form.initial["submission_key"] == data["submission_key"]
    assert not Payment.objects.exists()
    # htmx asks for the same, and gets only the form back.
    response = client.post(url, data, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith("<form") and "<html" not in html
    assert 'value="84000"' in html


def test_prepaying_through_the_form(owing, coord_a):
    client = login_client(coord_a)
    url = reverse("billing:payment_create", args=[owing.pk])
    assert client.post(url, form_data(prepaid_months=3, amount=84_000)).status_code == 302
    assert Bill.objects.filter(participant=owing, settled_on__isnull=False).count() == 5


# --- participant section and lists ----------------------------------------------------


def test_participant_page_shows_standing_bills_and_payments(owing, coord_a, admin):
    payment = record(coord_a, owing)
    reversal = payment_reverse(actor=admin, payment=record(coord_a, owing, amount=1000), reason="typo")
    html = login_client(coord_a).get(reverse("participants:detail", args=[owing.pk])).content.decode()
    assert "Contributions and payments" in html
    assert "Rp 33.600" in html  # Feb and Mar still open
    assert "February 2026" in html and "March 2026" in html
    assert "JKK" in html and "JKM" in html  # lines on demand
    assert payment.receipt_number in html and reversal.receipt_number in html
    assert reverse("billing:payment_receipt", args=[payment.pk]) in html
    assert "reversal" in html
    assert reverse("billing:payment_create", args=[owing.pk]) in html


def test_participant_section_queries_do_not_grow(owing, coord_a, django_assert_max_num_queries):
    client = login_client(coord_a)
    url = reverse("participants:detail", args=[owing.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    for month in range(4, 11):
        bills_generate(month=datetime.date(2026, month, 1), participant_ids=[owing.pk])
    for _ in range(5):
        record(coord_a, owing, amount=1000)
    with django_assert_max_num_queries(baseline):
        client.get(url)


def test_payments_list_search_filters_and_query_count(owing, coord_a, coord_b, admin, django_assert_max_num_queries):
    other = informal_participant(coordinator=coord_b, full_name="Siti Lain")
    bills_generate(month=JAN, participant_ids=[other.pk])
    mine = record(coord_a, owing)
    theirs = record(coord_b, other, method=transfer_method(), reference="TRX-777")
    client = login_client(admin)
    url = reverse("billing:payment_list")

    def receipts(**params):
        response = client.get(url, params)
        return {p.receipt_number for p in response.context["table"].page.object_list}

    assert receipts() == {mine.receipt_number, theirs.receipt_number}
    assert receipts(q="TRX-777") == {theirs.receipt_number}
    assert receipts(q="Siti") == {theirs.receipt_number}
    assert receipts(q=owing.nik) == {mine.receipt_number}
    assert receipts(q=mine.receipt_number) == {mine.receipt_number}
    assert receipts(method=transfer_method().pk) == {theirs.receipt_number}
    assert receipts(collected_by=coord_a.pk) == {mine.receipt_number}
    assert receipts(coordinator=coord_b.pk) == {theirs.receipt_number}
    assert receipts(date_from="2026-03-21") == set()
    reversal = payment_reverse(actor=admin, payment=mine, reason="typo")
    assert receipts(reversals="on") == {reversal.receipt_number}
    ordered = client.get(url, {"sort": "amount"}).context["table"].page.object_list
    assert [p.amount for p in ordered] == sorted(p.amount for p in ordered)

    with django_assert_max_num_queries(12) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    for _ in range(6):
        record(coord_a, owing, amount=500)
    with django_assert_max_num_queries(baseline):
        client.get(url)
