"""The pre-grouped arrears table (arrears_table.py) always equals the live grouping of
open past-due bills for its day, through bill runs, the calendar, payments, reversals,
prepayment and reassignment; the page and the ageing figures read it."""

import datetime
import uuid
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lindung.billing.arrears.selectors import AGEING_BUCKETS, ageing_bucket, ageing_summary, arrears_by_participant
from lindung.billing.arrears.table import arrears_rebuild, arrears_refresh, arrears_table_day
from lindung.billing.bills.jobs import rebuild_arrears_task
from lindung.billing.bills.services import bills_generate
from lindung.billing.models import ArrearsRebuild, Bill, ParticipantArrears
from lindung.billing.payments.services import PaymentInput, payment_record, payment_reverse
from lindung.billing.schedule import BILLING_BEAT_SCHEDULE
from lindung.billing.tests.arrears_data import bill, late_payer, months_ago, this_month
from lindung.billing.tests.factories import cash_method, informal_participant
from lindung.contributions.calculator import add_months

pytestmark = pytest.mark.django_db
Figures = dict[int, tuple[int, int, datetime.date]]


def live(on: datetime.date) -> Figures:
    """The arrears straight from the bills, computed here in Python."""
    owed: dict[int, list[Bill]] = defaultdict(list)
    for b in Bill.objects.all():
        if b.settled_on is None and b.due_date < on:
            owed[b.participant_id].append(b)
    return {
        pid: (len(bills), sum(b.amount - b.paid_amount for b in bills), min(b.month for b in bills))
        for pid, bills in owed.items()
    }


def table() -> Figures:
    day = arrears_table_day()
    rows = list(ParticipantArrears.objects.all())
    assert all(row.as_of == day for row in rows)
    return {row.participant_id: (row.months_owed, row.amount_owed, row.oldest_month) for row in rows}


def assert_table_is_live() -> None:
    day = arrears_table_day()
    assert day is not None
    assert table() == live(day)


def set_today(monkeypatch, day: datetime.date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def pay(actor, participant, amount, prepaid_months=0):
    data = PaymentInput(
        amount=amount, paid_on=timezone.localdate(), method=cash_method(), prepaid_months=prepaid_months
    )
    return payment_record(actor=actor, participant=participant, data=data, submission_key=uuid.uuid4().hex)


def test_rebuild_equals_the_live_grouping_and_drops_who_paid(coord_a, coord_b):
    late_payer(coord_a, 1)
    late_payer(coord_b, 8)
    paid_up = informal_participant(coordinator=coord_a)
    bill(paid_up, months_ago(2), paid=16_800)
    partly = informal_participant(coordinator=coord_a)
    bill(partly, months_ago(3), paid=6_800)
    bill(partly, this_month(), due=timezone.localdate() + datetime.timedelta(days=5))  # not due yet
    rebuild = arrears_rebuild()
    assert rebuild.day == timezone.localdate() and rebuild.rows == 3
    assert_table_is_live()
    assert table()[partly.pk] == (1, 10_000, months_ago(3))
    assert paid_up.pk not in table()


def test_before_the_first_rebuild_refresh_writes_nothing(coord_a):
    p = late_payer(coord_a, 2)
    arrears_refresh([p.pk])
    assert not ParticipantArrears.objects.exists() and arrears_table_day() is None


def test_a_bill_run_then_the_calendar_then_the_nightly_rebuild(monkeypatch, coord_a, coord_b):
    people = [informal_participant(coordinator=c) for c in (coord_a, coord_b, coord_a)]
    arrears_rebuild()
    # A month billed late is already past due: the run keeps the table right itself.
    bills_generate(month=months_ago(2))
    assert len(table()) == 3
    assert_table_is_live()
    # The current month's bills fall due later; once that day has passed the table is
    # a day behind until the nightly rebuild, which brings it level again.
    bills_generate(month=this_month())
    due = max(Bill.objects.filter(month=this_month()).values_list("due_date", flat=True))
    later = max(due, timezone.localdate()) + datetime.timedelta(days=1)
    set_today(monkeypatch, later)
    pay(coord_a, people[0], 10_000)
    assert arrears_table_day() < later
    assert_table_is_live()  # still the old day, with the payment
    rebuild_arrears_task()
    assert arrears_table_day() == later
    assert_table_is_live()


def test_partial_and_full_payments_and_a_reversal(admin, coord_a):
    p = late_payer(coord_a, 3)
    other = late_payer(coord_a, 2)
    arrears_rebuild()
    pay(coord_a, p, 10_000)
    assert table()[p.pk] == (3, 3 * 16_800 - 10_000, months_ago(3))
    assert_table_is_live()
    full = pay(coord_a, p, 3 * 16_800 - 10_000)
    assert p.pk not in table() and other.pk in table()
    assert_table_is_live()
    payment_reverse(actor=admin, payment=full, reason="bounced transfer")
    assert table()[p.pk] == (3, 3 * 16_800 - 10_000, months_ago(3))
    assert_table_is_live()


def test_prepayment_settles_the_arrears_and_adds_no_late_month(coord_a):
    p = informal_participant(coordinator=coord_a)
    bills_generate(month=months_ago(1))
    arrears_rebuild()
    assert p.pk in table()
    # Everything open once this month and the next two are billed: the late month too.
    late = sum(b.outstanding for b in Bill.objects.filter(participant=p, settled_on__isnull=True))
    pay(coord_a, p, late + 3 * 16_800, prepaid_months=3)
    assert Bill.objects.filter(participant=p, month__gte=this_month()).count() == 3
    assert Bill.objects.filter(participant=p, month=add_months(this_month(), 2)).exists()
    assert p.pk not in table()
    assert_table_is_live()


def test_reassigned_participant_moves_to_the_new_coordinator_without_a_refresh(coord_a, coord_b):
    p = late_payer(coord_a, 2)
    arrears_rebuild()
    day = arrears_table_day()
    assert [r["participant"] for r in arrears_by_participant(coord_a, {}, day)] == [p.pk]
    p.coordinator = coord_b
    p.save(update_fields=["coordinator"])
    assert list(arrears_by_participant(coord_a, {}, day)) == []
    assert [r["participant"] for r in arrears_by_participant(coord_b, {}, day)] == [p.pk]
    assert [r["participant"] for r in arrears_by_participant(coord_b, {"coordinator": coord_b}, day)] == [p.pk]


def test_another_day_than_the_tables_is_grouped_live(coord_a):
    p = late_payer(coord_a, 2)
    arrears_rebuild()
    earlier = months_ago(1).replace(day=1)  # the last month's bill was not due yet then
    rows = {r["participant"]: r for r in arrears_by_participant(coord_a, {}, earlier)}
    assert rows[p.pk]["months_owed"] == live(earlier)[p.pk][0] == 1


def page_figures(response) -> tuple[Figures, dict[str, dict[str, int]]]:
    rows = {r.participant.pk: (r.months_owed, r.amount_owed, r.oldest_month) for r in response.context["rows"]}
    summary = {key: figures for _label, key, figures in response.context["summary"]}
    return rows, summary


def live_summary(figures: Figures) -> dict[str, dict[str, int]]:
    summary = {key: {"participants": 0, "amount": 0} for key in AGEING_BUCKETS}
    for months, amount, _oldest in figures.values():
        summary[ageing_bucket(months)]["participants"] += 1
        summary[ageing_bucket(months)]["amount"] += amount
    return summary


def test_the_page_and_ageing_read_the_table_and_equal_the_live_figures(client, admin, coord_a, coord_b):
    for n in range(1, 10):
        late_payer(coord_a if n % 2 else coord_b, n)
    partly = late_payer(coord_a, 2)
    arrears_rebuild()
    pay(coord_a, partly, 5_000)
    client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("billing:arrears"), {"per_page": 50})
    assert any("billing_participantarrears" in q["sql"] for q in queries.captured_queries)
    assert not any('FROM "billing_bill"' in q["sql"] and "GROUP BY" in q["sql"] for q in queries.captured_queries)
    today = timezone.localdate()
    rows, summary = page_figures(response)
    assert rows == live(today) and summary == live_summary(live(today))
    assert ageing_summary(arrears_by_participant(admin, {}, today)) == live_summary(live(today))
    assert "arrears-as-of" not in response.content.decode()
    client.force_login(coord_b)
    rows, summary = page_figures(client.get(reverse("billing:arrears"), {"per_page": 50}))
    mine = {pid: f for pid, f in live(today).items() if pid in set(coord_b.participants.values_list("pk", flat=True))}
    assert rows == mine and summary == live_summary(mine)


def test_until_the_nightly_rebuild_the_page_says_which_day_it_shows(client, admin, coord_a):
    late_payer(coord_a, 2)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    arrears_rebuild(on=yesterday)
    client.force_login(admin)
    response = client.get(reverse("billing:arrears"))
    assert 'data-testid="arrears-as-of"' in response.content.decode()
    assert response.context["today"] == yesterday
    rows, summary = page_figures(response)
    assert rows == live(yesterday) and summary == live_summary(live(yesterday))


def test_a_day_to_come_is_refused(coord_a):
    with pytest.raises(ValueError):
        arrears_rebuild(on=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(CommandError):
        call_command("rebuild_arrears", on=(timezone.localdate() + datetime.timedelta(days=1)).isoformat())


def test_command_and_schedule(capsys, coord_a):
    late_payer(coord_a, 2)
    call_command("rebuild_arrears")
    assert "1 late payers" in capsys.readouterr().out
    assert ArrearsRebuild.objects.get().day == timezone.localdate()
    entry = BILLING_BEAT_SCHEDULE["billing-rebuild-arrears"]
    assert entry["task"] == "lindung.billing.rebuild_arrears"
    assert entry["schedule"].hour == {0} and entry["schedule"].minute == {5}


def test_the_pager_count_is_the_summarys_exact_total_with_search_and_bucket(client, admin, coord_a):
    late_payer(coord_a, 2, full_name="Eka Dua")
    late_payer(coord_a, 2, full_name="Fajar Dua")
    late_payer(coord_a, 8, full_name="Gita Delapan")
    arrears_rebuild()
    client.force_login(admin)
    searched = client.get(reverse("billing:arrears"), {"q": "eka"})
    assert searched.context["summary_total"]["participants"] == 1
    assert searched.context["table"].page.paginator.count == 1
    bucket = client.get(reverse("billing:arrears"), {"bucket": "2"})
    assert bucket.context["summary_total"] == {"participants": 2, "amount": 4 * 16_800}
    assert bucket.context["table"].page.paginator.count == 2
