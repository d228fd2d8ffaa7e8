"""Effect versus control (MSG-10): the held-out group is chosen at planning, the same
each time, never sent to, and the report compares the arms with intervals."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from lindung.billing.bills.services import bills_generate
from lindung.billing.models import Bill
from lindung.messaging.dispatch import dispatch_until_idle
from lindung.messaging.effect.holdout import held_out
from lindung.messaging.effect.models import ControlShare
from lindung.messaging.effect.report import Arm, effect_report, median_difference, rate_difference
from lindung.messaging.models import OutboxMessage, Status
from lindung.messaging.outbox import NewMessage, outbox_enqueue

from .helpers import consenting, use_scripted

pytestmark = pytest.mark.django_db


def test_the_holdout_is_deterministic_and_close_to_its_share():
    ids = range(1, 20_001)
    chosen = [pk for pk in ids if held_out(pk, "run-2026-01", 10)]
    assert 0.09 < len(chosen) / 20_000 < 0.11
    assert chosen == [pk for pk in ids if held_out(pk, "run-2026-01", 10)]
    # Another campaign draws another group; no share or no group holds nobody back.
    assert chosen != [pk for pk in ids if held_out(pk, "run-2026-02", 10)]
    assert not any(held_out(pk, "run", 0) for pk in ids) and not any(held_out(pk, "", 10) for pk in ids)


def test_the_share_is_effective_dated_data():
    assert ControlShare.on(datetime.date(2026, 6, 1)) == 10  # seeded
    assert ControlShare.on(datetime.date(2025, 6, 1)) == 0
    ControlShare.objects.create(percent=20, valid_from=datetime.date(2026, 7, 1), basis="memo 7/2026")
    assert ControlShare.on(datetime.date(2026, 6, 30)) == 10
    assert ControlShare.on(datetime.date(2026, 7, 1)) == 20


def plan(participants, bills, source="run-1", percent=50):
    return outbox_enqueue(
        actor=None,
        source=source,
        control_percent=percent,
        messages=[
            NewMessage(participant_id=p.pk, channel="whatsapp", stage="due", bill_id=bills[p.pk], template="iuran")
            for p in participants
        ],
    )


def test_held_out_rows_are_written_skipped_and_never_sent(settings, coord_a):
    provider = use_scripted(settings)
    people = [consenting(coord_a, registration_date=datetime.date(2026, 1, 5)) for _ in range(12)]
    bills_generate(month=datetime.date(2026, 1, 1))
    bills = dict(Bill.objects.values_list("participant_id", "pk"))
    assert plan(people, bills) == 12
    control = set(OutboxMessage.objects.filter(skip_reason="control").values_list("participant_id", flat=True))
    assert control == {p.pk for p in people if held_out(p.pk, "run-1", 50)} and 0 < len(control) < 12
    dispatch_until_idle()
    assert set(provider.calls) == set(OutboxMessage.objects.filter(status=Status.SENT).values_list("pk", flat=True))
    sent_to = set(OutboxMessage.objects.filter(status=Status.SENT).values_list("participant_id", flat=True))
    assert not sent_to & control and len(sent_to) == 12 - len(control)
    assert plan(people, bills) == 0  # planned again: nothing new, same arms


def test_the_report_compares_the_arms_and_is_scoped(settings, coord_a, coord_b, admin):
    use_scripted(settings)
    people = [consenting(coord_a, registration_date=datetime.date(2026, 1, 5)) for _ in range(16)]
    bills_generate(month=datetime.date(2026, 1, 1))
    bills = dict(Bill.objects.values_list("participant_id", "pk"))
    plan(people, bills)
    planned = OutboxMessage.objects.order_by("id").first().created_at.date()
    control = set(OutboxMessage.objects.filter(skip_reason="control").values_list("participant_id", flat=True))
    # Every reminded participant pays 3 days after planning, every held-out one never.
    for p in people:
        if p.pk not in control:
            Bill.objects.filter(pk=bills[p.pk]).update(settled_on=planned + datetime.timedelta(days=3))
    today = timezone.localdate() + datetime.timedelta(days=40)
    report = effect_report(admin, "run-1", 30, today)
    assert (report.reminded.bills, report.reminded.paid) == (16 - len(control), 16 - len(control))
    assert (report.control.bills, report.control.paid) == (len(control), 0)
    assert report.reminded.median_days == 3 and report.window_complete
    assert report.rate_difference.estimate == 1.0
    empty = effect_report(coord_b, "run-1", 30, today)
    assert empty.reminded.bills == empty.control.bills == 0 and empty.rate_difference is None
    page = Client()
    page.cookies["django_language"] = "en"
    page.force_login(coord_b)
    assert "run-1" not in page.get("/messaging/effect/").text
    page.force_login(admin)
    text = page.get("/messaging/effect/?group=run-1&days=abc").text
    assert "run-1" in text and "1 to 365" in text


def test_the_rate_interval_matches_the_textbook_formula():
    interval = rate_difference(Arm(bills=400, paid=240), Arm(bills=100, paid=45))
    assert interval.estimate == pytest.approx(0.15)
    # sqrt(.6*.4/400 + .45*.55/100) = 0.055453; 1.959964 x that = 0.108686
    assert interval.low == pytest.approx(0.15 - 0.108686, abs=1e-5)
    assert interval.high == pytest.approx(0.15 + 0.108686, abs=1e-5)
    assert interval.excludes_zero


def test_the_median_interval_is_stable_and_covers_the_difference():
    reminded, control = [2, 3, 3, 4, 5, 3, 2, 4] * 10, [8, 9, 10, 7, 9, 8, 11, 10] * 10
    first = median_difference(reminded, control, seed="run")
    assert first == median_difference(reminded, control, seed="run")
    assert first.estimate == -6 and first.low <= -6 <= first.high and first.high < 0
    assert median_difference([1, 2], control, seed="run") is None
