import datetime

import pytest

from lindung.billing.bills.services import bills_ensure, bills_generate
from lindung.billing.models import Bill, BillStatus
from lindung.billing.tests.factories import informal_participant
from lindung.participants.models import Status
from lindung.participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


def test_a_month_is_billed_once_with_lines_from_the_rules():
    p = informal_participant()
    first = bills_generate(month=datetime.date(2026, 3, 17))
    assert first.created == 1 and first.month == MARCH
    bill = Bill.objects.get(participant=p)
    assert bill.amount == 16_800 and bill.worker_amount == 16_800
    assert sorted((line.program, line.amount) for line in bill.lines.all()) == [("jkk", 10_000), ("jkm", 6_800)]
    assert bill.due_date == datetime.date(2026, 3, 15)  # BPU: the 15th of the contribution month
    again = bills_generate(month=MARCH)
    assert again.created == 0 and again.already_billed == 1
    assert Bill.objects.count() == 1


def test_who_is_billed():
    informal_participant()
    ParticipantFactory(status=Status.SUBMITTED, declared_income=1_000_000)  # not yet a member
    informal_participant(registration_date=datetime.date(2026, 4, 2))  # registered after March
    no_income = informal_participant(declared_income=None)
    result = bills_generate(month=MARCH)
    assert result.created == 1
    assert no_income.pk in result.problems


def test_a_bill_keeps_the_rules_of_its_own_month():
    p = informal_participant()
    bills_generate(month=MARCH)
    p.declared_income = 2_000_000
    p.save()
    bills_generate(month=datetime.date(2026, 4, 1))
    amounts = dict(Bill.objects.filter(participant=p).values_list("month", "amount"))
    assert amounts == {MARCH: 16_800, datetime.date(2026, 4, 1): 26_800}


def test_bills_ensure_creates_only_the_missing_months():
    p = informal_participant()
    bills_generate(month=MARCH)
    months = [datetime.date(2026, m, 1) for m in (3, 4, 5)]
    bills = bills_ensure(p, months)
    assert [b.month for b in bills] == months and Bill.objects.filter(participant=p).count() == 3


def test_status_follows_amounts_and_due_date():
    p = informal_participant()
    bills_generate(month=MARCH)
    bill = Bill.objects.get(participant=p)
    assert bill.status_on(datetime.date(2026, 3, 10)) == BillStatus.UNPAID
    assert bill.status_on(datetime.date(2026, 3, 16)) == BillStatus.LATE
    bill.paid_amount = 5_000
    assert bill.status_on(datetime.date(2026, 3, 10)) == BillStatus.PARTIAL
    bill.paid_amount = bill.amount
    assert bill.status_on(datetime.date(2026, 9, 1)) == BillStatus.PAID


def test_activation_issues_the_current_months_bill(admin):
    from django.utils import timezone

    from lindung.participants.services import participant_update

    p = informal_participant(status=Status.SUBMITTED)
    participant_update(actor=admin, participant=p, data={"status": Status.ACTIVE})
    assert list(Bill.objects.filter(participant=p).values_list("month", flat=True)) == [
        timezone.localdate().replace(day=1)
    ]


def test_the_command_reports_and_refuses_bad_months():
    from io import StringIO

    from django.core.management import CommandError, call_command

    informal_participant()
    out = StringIO()
    call_command("generate_bills", "--month", "2026-03", stdout=out)
    assert "1 bills created" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("generate_bills", "--month", "March")


def test_a_bill_run_does_not_query_per_participant():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(month):
        with CaptureQueriesContext(connection) as queries:
            bills_generate(month=month)
        return len(queries)

    for _ in range(3):
        informal_participant()
    few = run(MARCH)
    for _ in range(12):
        informal_participant()
    many = run(datetime.date(2026, 4, 1))
    assert many == few
