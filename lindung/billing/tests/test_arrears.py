"""Arrears figures (CON-5): months and amount owed, ageing, fines, scoping, the page."""

import datetime
import uuid

import pytest
from django.urls import reverse

from lindung.billing.arrears.selectors import (
    ageing_bucket,
    ageing_summary,
    arrears_by_participant,
    arrears_rows,
    late_fines,
    owed_by_participant,
)
from lindung.billing.bills.services import bills_ensure
from lindung.billing.lookup.services import arrears_for
from lindung.billing.payments.services import PaymentInput, payment_record, payment_reverse
from lindung.billing.tests.arrears_data import bill, late_payer, months_ago, wage_earner
from lindung.billing.tests.factories import cash_method, informal_participant
from lindung.contributions.calculator import late_fine, months_late

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 6, 20)
D = datetime.date


def rows_by_participant(user, filters=None, on=ON):
    return {row["participant"]: row for row in arrears_by_participant(user, filters, on)}


def test_months_and_amount_owed_count_only_past_due_unpaid_bills(admin, coord_a):
    p = informal_participant(coordinator=coord_a)
    bill(p, D(2026, 1, 1), paid=16_800)  # paid in full: not owed
    bill(p, D(2026, 2, 1))  # unpaid
    bill(p, D(2026, 3, 1), paid=6_800)  # partly paid: 10,000 owed
    bill(p, D(2026, 4, 1))
    bill(p, D(2026, 6, 1), due=D(2026, 6, 25))  # not due yet on the 20th
    row = rows_by_participant(admin)[p.pk]
    assert row["months_owed"] == 3
    assert row["amount_owed"] == 16_800 + 10_000 + 16_800
    assert row["oldest_month"] == D(2026, 2, 1)


def test_a_bill_due_today_is_not_yet_late(admin, coord_a):
    p = informal_participant(coordinator=coord_a)
    bill(p, D(2026, 6, 1), due=ON)
    assert p.pk not in rows_by_participant(admin)


def test_someone_who_paid_everything_is_not_listed(admin, coord_a):
    p = informal_participant(coordinator=coord_a)
    bill(p, D(2026, 1, 1), paid=16_800)
    assert rows_by_participant(admin) == {}


def test_a_reversal_reopens_the_bill(admin, coord_a):
    p = informal_participant(coordinator=coord_a, registration_date=D(2025, 1, 1))
    bills_ensure(p, [months_ago(2), months_ago(1)])
    data = PaymentInput(amount=2 * 16_800, paid_on=months_ago(1).replace(day=20), method=cash_method())
    payment = payment_record(actor=coord_a, participant=p, data=data, submission_key=uuid.uuid4().hex)
    assert p.pk not in rows_by_participant(admin, on=None)
    payment_reverse(actor=admin, payment=payment, reason="bounced transfer")
    row = rows_by_participant(admin, on=None)[p.pk]
    assert row["months_owed"] == 2 and row["amount_owed"] == 2 * 16_800


@pytest.mark.parametrize(
    ("months", "bucket"), [(1, "1"), (2, "2"), (3, "3"), (4, "4-6"), (6, "4-6"), (7, "7+"), (30, "7+")]
)
def test_ageing_bucket_boundaries(months, bucket):
    assert ageing_bucket(months) == bucket


def test_ageing_summary_and_bucket_filter(admin, coord_a):
    for owed in (1, 2, 3, 4, 6, 7):
        late_payer(coord_a, owed)
    on = months_ago(0).replace(day=1)
    summary = ageing_summary(arrears_by_participant(admin, {}, on))
    assert {k: v["participants"] for k, v in summary.items()} == {"1": 1, "2": 1, "3": 1, "4-6": 2, "7+": 1}
    assert summary["4-6"]["amount"] == 10 * 16_800 and summary["7+"]["amount"] == 7 * 16_800
    middle = arrears_by_participant(admin, {"bucket": "4-6"}, on)
    assert sorted(row["months_owed"] for row in middle) == [4, 6]
    assert ageing_summary(middle)["1"]["participants"] == 0


def test_wage_earners_late_fine_is_the_calculators(admin, coord_a):
    p = wage_earner(coord_a)
    bill(p, D(2026, 2, 1), amount=200_000, due=D(2026, 3, 16))
    bill(p, D(2026, 3, 1), amount=200_000, paid=50_000, due=D(2026, 4, 15))
    bpu = informal_participant(coordinator=coord_a)
    bill(bpu, D(2026, 2, 1))
    expected = late_fine(200_000, months_late(D(2026, 3, 16), ON), D(2026, 2, 1)) + late_fine(
        150_000, months_late(D(2026, 4, 15), ON), D(2026, 3, 1)
    )
    assert expected == 200_000 * 2 // 100 * 4 + 150_000 * 2 // 100 * 3
    assert late_fines([p.pk, bpu.pk], ON) == {p.pk: expected}
    rows = {r.participant.pk: r for r in arrears_rows(arrears_by_participant(admin, {}, ON), ON)}
    assert rows[p.pk].late_fine == expected
    assert rows[bpu.pk].late_fine is None  # BPU has no fine rule


def test_coordinators_see_only_their_own_late_payers(admin, coord_a, coord_b):
    mine = late_payer(coord_a, 2)
    theirs = late_payer(coord_b, 3)
    on = months_ago(0).replace(day=1)
    assert set(rows_by_participant(coord_a, on=on)) == {mine.pk}
    assert set(rows_by_participant(coord_b, on=on)) == {theirs.pk}
    assert set(rows_by_participant(admin, on=on)) == {mine.pk, theirs.pk}
    assert set(rows_by_participant(admin, {"coordinator": coord_b}, on=on)) == {theirs.pk}


def test_nik_lookup_shows_months_and_amount_owed(coord_a):
    late = late_payer(coord_a, 2)
    clean = informal_participant(coordinator=coord_a)
    owed = owed_by_participant([late.pk, clean.pk])
    assert (owed[late.pk].months, owed[late.pk].amount) == (2, 2 * 16_800)
    assert arrears_for([late, clean]) == {late.pk: 2 * 16_800, clean.pk: 0}


# --- the page ---


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("billing:arrears"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_page_scoping_and_columns(client, admin, coord_a, coord_b):
    ayu = late_payer(coord_a, 2, full_name="Ayu Milik A", phone="+6281234567890")
    late_payer(coord_b, 8, full_name="Bayu Milik B")
    client.force_login(coord_a)
    page = client.get(reverse("billing:arrears")).content.decode()
    assert "Ayu Milik A" in page and "Bayu Milik B" not in page
    assert "0812-3456-7890" in page and "Rp 33.600" in page
    assert f'<td data-label="Village">{ayu.village.name}</td>' in page
    assert '<a href="tel:+6281234567890">' in page  # a phone card taps to call
    client.force_login(coord_b)
    assert "Ayu Milik A" not in client.get(reverse("billing:arrears")).content.decode()
    client.force_login(admin)
    page = client.get(reverse("billing:arrears")).content.decode()
    assert "Ayu Milik A" in page and "Bayu Milik B" in page and "Budi Alpha" in page
    over_six = client.get(reverse("billing:arrears"), {"bucket": "7+"}).content.decode()
    assert "Bayu Milik B" in over_six and "Ayu Milik A" not in over_six


def test_search_sort_and_pagination(client, admin, coord_a):
    late_payer(coord_a, 1, full_name="Citra Satu")
    late_payer(coord_a, 3, full_name="Dewi Tiga")
    client.force_login(admin)
    page = client.get(reverse("billing:arrears"), {"q": "dewi"}).content.decode()
    assert "Dewi Tiga" in page and "Citra Satu" not in page
    by_amount = client.get(reverse("billing:arrears")).content.decode()
    assert by_amount.index("Dewi Tiga") < by_amount.index("Citra Satu")  # default: biggest debt first
    by_name = client.get(reverse("billing:arrears"), {"sort": "name"}).content.decode()
    assert by_name.index("Citra Satu") < by_name.index("Dewi Tiga")
    first = client.get(reverse("billing:arrears"), {"per_page": 10, "sort": "months"}).content.decode()
    assert "1–2 of 2" in first


def test_query_count_does_not_grow_with_rows(client, admin, coord_a, coord_b, django_assert_max_num_queries):
    client.force_login(admin)
    late_payer(coord_a, 2)
    wage = wage_earner(coord_b)
    bill(wage, months_ago(3), amount=100_000, due=months_ago(2).replace(day=15))
    # The day of the arrears table's figures costs a query; the pager's count does not
    # (it is the ageing summary's total).
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("billing:arrears"))
    for n in range(30):
        late_payer(coord_a if n % 2 else coord_b, 1 + n % 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("billing:arrears"), {"per_page": 50})
    assert response.status_code == 200 and len(response.context["rows"]) == 32
