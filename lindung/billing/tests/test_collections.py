import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from lindung.billing.bills.services import bills_generate
from lindung.billing.models import Deposit
from lindung.billing.payments.collections import collections_for_month, collections_for_period
from lindung.billing.payments.services import (
    PaymentInput,
    deposit_cancel,
    deposit_record,
    payment_record,
    payment_reverse,
)
from lindung.billing.tests.factories import account_of, cash_method, informal_participant, transfer_method
from lindung.core.tests.clients import login_client
from lindung.core.tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)


def pay(actor, participant, amount, paid_on, method=None, **extra):
    data = PaymentInput(amount=amount, paid_on=paid_on, method=method or cash_method(), **extra)
    return payment_record(actor=actor, participant=participant, data=data, submission_key=uuid.uuid4().hex)


def deposit(actor, amount, on, **extra):
    return deposit_record(actor=actor, amount=amount, deposited_on=on, **extra)


@pytest.fixture
def books(coord_a, coord_b, admin):
    """A collects 3 months in cash in March, one of which is reversed in March, and one
    payment by transfer (not cash); B collects in February and March. Deposits in March
    and in April (which must not count for March)."""
    pa = informal_participant(coordinator=coord_a)
    pb = informal_participant(coordinator=coord_b)
    for month in (1, 2, 3):
        bills_generate(month=datetime.date(2026, month, 1))
    first = pay(coord_a, pa, 16_800, datetime.date(2026, 3, 2))
    pay(coord_a, pa, 16_800, datetime.date(2026, 3, 10))
    pay(coord_a, pa, 10_000, datetime.date(2026, 3, 31), method=transfer_method(), reference="TRX-1")
    payment_reverse(actor=admin, payment=first, reason="typo")  # reversal dated today, not March
    pay(coord_b, pb, 16_800, datetime.date(2026, 2, 27))
    pay(coord_b, pb, 16_800, datetime.date(2026, 3, 1))
    deposit(coord_a, 10_000, datetime.date(2026, 3, 15))
    deposit(coord_a, 23_600, datetime.date(2026, 4, 1))
    deposit(admin, 16_800, datetime.date(2026, 3, 31), coordinator=coord_b)
    return pa, pb


def figures(rows):
    return {str(r.coordinator): (r.collected, r.deposited, r.difference) for r in rows}


def test_march_figures_for_the_admin(books, admin, coord_a, coord_b):
    idle = CoordinatorFactory(first_name="Dedi", last_name="Idle")
    rows = figures(collections_for_month(admin, MARCH))
    # The reversal was recorded in November, so March still shows both cash payments.
    assert rows[str(coord_a)] == (33_600, 10_000, 23_600)
    assert rows[str(coord_b)] == (16_800, 16_800, 0)
    assert rows[str(idle)] == (0, 0, 0)


def test_a_reversal_counts_in_the_month_it_was_recorded(books, admin, coord_a):
    today = datetime.date.today()
    rows = figures(collections_for_period(admin, today.replace(day=1), today))
    assert rows[str(coord_a)] == (-16_800, 0, -16_800)


def test_reversal_in_the_same_period_nets_to_zero(coord_a, admin):
    participant = informal_participant(coordinator=coord_a)
    today = datetime.date.today()
    bills_generate(month=today, participant_ids=[participant.pk])
    payment = pay(coord_a, participant, 1000, today)
    payment_reverse(actor=admin, payment=payment, reason="typo")
    rows = figures(collections_for_month(admin, today))
    assert rows[str(coord_a)] == (0, 0, 0)


def test_a_coordinator_sees_only_their_own_row(books, coord_a, coord_b):
    rows = collections_for_month(coord_a, MARCH)
    assert [r.coordinator for r in rows] == [coord_a]
    assert figures(collections_for_month(coord_b, datetime.date(2026, 2, 1))) == {str(coord_b): (16_800, 0, 16_800)}


def test_one_grouped_query_per_side(books, admin, django_assert_num_queries):
    for _ in range(5):
        CoordinatorFactory()
    with django_assert_num_queries(3):  # cash, deposits, people
        collections_for_month(admin, MARCH)


def test_collections_page(books, coord_a, coord_b, admin):
    url = reverse("billing:collections")
    response = login_client(admin).get(url, {"month": "2026-03"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Differences to reconcile" in html and "Rp 23.600" in html
    assert [row.coordinator for row in response.context["differences"]] == [coord_a]
    response = login_client(coord_b).get(url, {"month": "2026-03"})
    assert [row.coordinator for row in response.context["rows"]] == [coord_b]
    assert str(coord_a) not in response.content.decode()
    # A bad month falls back to the current one.
    response = login_client(coord_a).get(url, {"month": "nonsense"})
    assert response.context["month"] == datetime.date.today().replace(day=1)
    assert login_client().get(url).status_code == 302


def test_deposit_pages_are_scoped(coord_a, coord_b, admin):
    mine = deposit(coord_a, 5000, datetime.date(2026, 3, 1))
    url = reverse("billing:deposit_detail", args=[mine.pk])
    assert login_client(coord_a).get(url).status_code == 200
    assert login_client(admin).get(url).status_code == 200
    assert login_client(coord_b).get(url).status_code == 404
    listing = reverse("billing:deposit_list")
    assert list(login_client(coord_b).get(listing).context["table"].page.object_list) == []
    assert list(login_client(coord_a).get(listing).context["table"].page.object_list) == [mine]
    assert list(login_client(admin).get(listing).context["table"].page.object_list) == [mine]


def test_coordinator_records_own_deposit_and_admin_for_anyone(coord_a, coord_b, admin):
    url = reverse("billing:deposit_create")
    data = {"amount": "20000", "deposited_on": "2026-03-05", "reference": "SETOR-1", "note": ""}
    # A coordinator cannot record for someone else: the field is not even there.
    response = login_client(coord_a).post(url, {**data, "coordinator": coord_b.pk})
    assert response.status_code == 302
    assert Deposit.objects.get().coordinator == coord_a
    # Another coordinator's account is refused beside the field.
    response = login_client(coord_a).post(url, {**data, "collection_account": account_of(coord_b).pk})
    assert "collection_account" in response.context["form"].errors
    response = login_client(admin).post(url, {**data, "coordinator": ""})
    assert "coordinator" in response.context["form"].errors
    response = login_client(admin).post(url, {**data, "coordinator": coord_b.pk}, follow=True)
    assert "Deposit of Rp 20.000 recorded." in response.content.decode()
    assert Deposit.objects.filter(coordinator=coord_b, recorded_by=admin).count() == 1
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = login_client(coord_a).post(url, {**data, "deposited_on": future})
    assert "deposited_on" in response.context["form"].errors


def test_deposit_list_query_count(coord_a, admin, django_assert_max_num_queries):
    client = login_client(admin)
    url = reverse("billing:deposit_list")
    deposit(coord_a, 1000, datetime.date(2026, 3, 1))
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(6):
        deposit(coord_a, 1000, datetime.date(2026, 3, 1), collection_account=account_of(coord_a))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_admin_cancels_a_deposit_recorded_in_error(books, admin, coord_a, coord_b):
    wrong = Deposit.objects.get(coordinator=coord_a, deposited_on=datetime.date(2026, 3, 15))
    url = reverse("billing:deposit_cancel", args=[wrong.pk])
    # The coordinator who made it and another coordinator are refused; nothing changes.
    assert login_client(coord_a).post(url, {"reason": "mine"}).status_code == 403
    assert login_client(coord_b).post(url, {"reason": "theirs"}).status_code == 403
    assert login_client(coord_a).get(reverse("billing:deposit_detail", args=[wrong.pk])).context["cancel_form"] is None
    # A reason is required.
    response = login_client(admin).post(url, {"reason": "  "})
    assert "reason" in response.context["cancel_form"].errors
    response = login_client(admin).post(url, {"reason": "recorded twice"}, follow=True)
    assert "no longer counts in the collections" in response.content.decode()
    wrong.refresh_from_db()
    assert wrong.cancelled_by == admin and wrong.cancel_reason == "recorded twice"
    # The row stays; March no longer counts the 10,000 for A.
    assert figures(collections_for_month(admin, MARCH))[str(coord_a)] == (33_600, 0, 33_600)
    listing = login_client(admin).get(reverse("billing:deposit_list")).content.decode()
    assert "<s>Rp 10.000</s>" in listing
    # Twice is refused with a message, not an error page.
    with translation.override("en"), pytest.raises(ValidationError, match="already been cancelled"):
        deposit_cancel(actor=admin, deposit=wrong, reason="again")
