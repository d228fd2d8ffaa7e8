"""One payment search: the payments page, the API's ?q= and the export answer the same
rows for the same text (billing.selectors.payments_search: name, exact receipt number or
reference, NIK or its first 4+ digits)."""

import datetime

import pytest
from django.urls import reverse

from lindung.api.tests.conftest import api_client
from lindung.billing.bills.services import bills_generate
from lindung.billing.tests.factories import cash_method, informal_participant, transfer_method
from lindung.core.tests.clients import login_client
from lindung.reports.exports.payments import payment_export_queryset
from lindung.reports.tests.test_payment_exports import pay

pytestmark = pytest.mark.django_db


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
    return {"admin": admin, "a": coord_a, "mine": mine, "theirs": theirs, "a1": a1, "a2": a2, "b1": b1}


def page(user, q):
    response = login_client(user).get(reverse("billing:payment_list"), {"q": q, "per_page": 100})
    assert response.status_code == 200
    return {p.receipt_number for p in response.context["table"].page.object_list}


def api(user, q):
    response = api_client(user).get(reverse("api:payment-list"), {"q": q, "page_size": 100})
    assert response.status_code == 200
    return {row["receipt_number"] for row in response.json()["results"]}


def export(user, q):
    return set(payment_export_queryset(user, {"q": [q]}).values_list("receipt_number", flat=True))


def test_page_api_and_export_find_the_same_payments(world):
    mine, theirs = world["mine"], world["theirs"]
    a1, a2, b1 = (world[k].receipt_number for k in ("a1", "a2", "b1"))
    expected = {
        mine.nik: {a1, a2},  # the whole NIK
        mine.nik[:10]: None,  # its first digits: whoever shares them
        f"{mine.nik[:4]} {mine.nik[4:8]}": None,  # spaces as people type them
        theirs.nik: {b1},
        "aminah": {a1, a2},
        "bri-778": {a2},  # a reference, any case
        b1: {b1},  # a receipt number
        mine.nik[:3]: set(),  # too short to be read as a NIK
    }
    for user in (world["admin"], world["a"]):
        for q, wanted in expected.items():
            found = page(user, q)
            assert api(user, q) == found == export(user, q), (user, q)
            if wanted is not None and user == world["admin"]:
                assert found == wanted, q
    # A prefix finds at least the payments of the participant it was taken from.
    assert {a1, a2} <= page(world["admin"], mine.nik[:10])
    # And a coordinator only ever their own.
    assert page(world["a"], theirs.nik) == set()
