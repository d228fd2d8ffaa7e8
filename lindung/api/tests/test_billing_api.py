"""Bills and payments API: permission matrix, idempotent recording, errors by field."""

import datetime
import uuid

import pytest
from django.urls import reverse

from lindung.billing.bills.services import bills_generate
from lindung.billing.models import Payment
from lindung.billing.payments.services import PaymentInput, payment_record
from lindung.billing.tests.factories import cash_method, informal_participant, transfer_method

from .conftest import api_client

pytestmark = pytest.mark.django_db
PAID_ON = datetime.date(2026, 3, 20)


@pytest.fixture
def money(coord_a, coord_b, admin):
    pa = informal_participant(coordinator=coord_a, full_name="Siti Aminah")
    pb = informal_participant(coordinator=coord_b, full_name="Budi Santoso")
    for month in (1, 2, 3):
        bills_generate(month=datetime.date(2026, month, 1))
    cash, transfer = cash_method(), transfer_method()
    data = PaymentInput(amount=16_800, paid_on=PAID_ON, method=cash)
    paid = payment_record(actor=coord_a, participant=pa, data=data, submission_key=uuid.uuid4().hex)
    return {"a": coord_a, "b": coord_b, "admin": admin, "pa": pa, "pb": pb, "paid": paid, "cash": cash, "t": transfer}


def body(money, **overrides):
    values = {
        "idempotency_key": uuid.uuid4().hex,
        "participant": money["pa"].pk,
        "amount": 16_800,
        "paid_on": PAID_ON.isoformat(),
        "method": money["t"].pk,
        "reference": "BRI-0001",
    }
    values.update(overrides)
    return values


def client_for(money, who):
    return api_client(None if who == "anonymous" else money[who])


# -- permission matrix ------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("a", 200), ("b", 404), ("admin", 200)])
def test_bills_of_a_participant(money, who, expected):
    response = client_for(money, who).get(reverse("api:participant-bills", args=[money["pa"].pk]))
    assert response.status_code == expected
    if expected == 200:
        bills = response.json()["results"]
        assert [b["month"] for b in bills] == ["2026-03-01", "2026-02-01", "2026-01-01"]
        january = bills[-1]
        assert january["status"] == "paid" and january["outstanding"] == 0 and january["lines"]
        assert sum(line["amount"] for line in january["lines"]) == january["amount"]
        assert bills[0]["status"] == "late" and bills[0]["outstanding"] == bills[0]["amount"]


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("a", 200), ("b", 404), ("admin", 200)])
def test_payment_detail(money, who, expected):
    response = client_for(money, who).get(reverse("api:payment-detail", args=[money["paid"].pk]))
    assert response.status_code == expected
    if expected == 200:
        data = response.json()
        assert data["receipt_number"] == money["paid"].receipt_number and data["amount"] == 16_800
        assert data["participant"]["id"] == money["pa"].pk and data["months_covered"] == 1
        assert data["collected_by"]["id"] == money["a"].pk and data["reversed"] is False


@pytest.mark.parametrize(("who", "count"), [("a", 1), ("b", 0), ("admin", 1)])
def test_payment_list_is_scoped(money, who, count):
    response = client_for(money, who).get(reverse("api:payment-list"))
    assert response.status_code == 200 and response.json()["count"] == count


def test_payment_list_anonymous(money):
    assert api_client().get(reverse("api:payment-list")).status_code == 401


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("a", 201), ("b", 400), ("admin", 201)])
def test_record_a_payment(money, who, expected):
    response = client_for(money, who).post(reverse("api:payment-list"), body(money), format="json")
    assert response.status_code == expected, response.content
    if expected == 400:  # B's view of A's participant: exactly like a participant that does not exist
        assert set(response.json()) == {"participant"}
        missing = client_for(money, who).post(reverse("api:payment-list"), body(money, participant=999999))
        assert missing.json()["participant"] == ['Invalid pk "999999" - object does not exist.']
        assert response.json()["participant"] == [f'Invalid pk "{money["pa"].pk}" - object does not exist.']
    if expected == 201:
        assert response["Location"] == reverse("api:payment-detail", args=[response.json()["id"]])


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("a", 403), ("b", 404), ("admin", 201)])
def test_reverse_a_payment(money, who, expected):
    url = reverse("api:payment-reverse", args=[money["paid"].pk])
    response = client_for(money, who).post(url, {"reason": "double entry"}, format="json")
    assert response.status_code == expected, response.content
    if expected == 201:
        assert response.json()["amount"] == -16_800 and response.json()["reversal_of"] == money["paid"].pk
        detail = client_for(money, who).get(reverse("api:payment-detail", args=[money["paid"].pk]))
        assert detail.json()["reversed"] is True
    else:
        assert not Payment.objects.filter(reversal_of=money["paid"]).exists()


# -- behaviour --------------------------------------------------------------------------------


def test_same_idempotency_key_twice_records_once_with_the_same_answer(money):
    client = api_client(money["a"])
    payload = body(money)
    first = client.post(reverse("api:payment-list"), payload, format="json")
    second = client.post(reverse("api:payment-list"), payload, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert Payment.objects.filter(reference="BRI-0001").count() == 1


def test_duplicate_reference_is_a_400_on_the_field(money):
    client = api_client(money["a"])
    assert client.post(reverse("api:payment-list"), body(money), format="json").status_code == 201
    again = client.post(reverse("api:payment-list"), body(money), format="json")  # new key, same reference
    assert again.status_code == 400
    assert again.json() == {"reference": ["A payment with this reference has already been recorded."]}


def test_service_errors_come_back_by_field(money):
    client = api_client(money["a"])
    too_much = client.post(reverse("api:payment-list"), body(money, amount=10_000_000), format="json")
    assert too_much.status_code == 400 and too_much.json()["amount"][0].startswith("The participant owes Rp 33.600")
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    late = client.post(reverse("api:payment-list"), body(money, paid_on=future), format="json")
    assert late.status_code == 400 and "paid_on" in late.json()
    no_key = client.post(reverse("api:payment-list"), {**body(money), "idempotency_key": ""}, format="json")
    assert no_key.status_code == 400 and "idempotency_key" in no_key.json()


def test_a_coordinator_is_the_collector_whatever_they_send(money):
    client = api_client(money["a"])
    response = client.post(reverse("api:payment-list"), body(money, collected_by=money["b"].pk), format="json")
    assert response.status_code == 201 and response.json()["collected_by"]["id"] == money["a"].pk


def test_list_filters(money):
    client = api_client(money["admin"])
    api_client(money["a"]).post(reverse("api:payment-list"), body(money), format="json")
    url = reverse("api:payment-list")
    assert client.get(url, {"method": money["t"].pk}).json()["count"] == 1
    assert client.get(url, {"q": "BRI-0001"}).json()["count"] == 1
    assert client.get(url, {"q": "aminah"}).json()["count"] == 2
    assert client.get(url, {"coordinator": money["b"].pk}).json()["count"] == 0
    assert client.get(url, {"date_from": "2026-04-01"}).json()["count"] == 0
    assert client.get(url, {"date_from": "not a date"}).status_code == 400


def test_list_query_count_is_constant(money, django_assert_max_num_queries):
    client = api_client(money["admin"])
    # Token, throttle-free count and page: the same few queries for 1 row or 6.
    with django_assert_max_num_queries(4):
        client.get(reverse("api:payment-list"))
    for i in range(5):
        client.post(reverse("api:payment-list"), body(money, amount=1, reference=f"R{i}"), format="json")
    with django_assert_max_num_queries(4):
        response = client.get(reverse("api:payment-list"))
    assert response.json()["count"] == 6
    with django_assert_max_num_queries(10):
        client.get(reverse("api:participant-bills", args=[money["pa"].pk]))
