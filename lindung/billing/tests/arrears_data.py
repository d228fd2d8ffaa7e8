"""Bills built directly for arrears, letters and coverage tests: exact months, amounts
and due dates, without going through a month's rules."""

import datetime

from django.utils import timezone

from lindung.billing.models import Bill
from lindung.billing.tests.factories import informal_participant
from lindung.contributions.calculator import add_months, month_start
from lindung.participants.models import Category


def this_month() -> datetime.date:
    return month_start(timezone.localdate())


def months_ago(count: int) -> datetime.date:
    return add_months(this_month(), -count)


def bill(participant, month, amount=16_800, paid=0, due=None, category=None, settled_on=None) -> Bill:
    return Bill.objects.create(
        participant=participant,
        month=month,
        category=category or participant.category,
        income_basis=participant.declared_income or 1_000_000,
        amount=amount,
        worker_amount=amount,
        paid_amount=paid,
        due_date=due or month.replace(day=15),
        settled_on=settled_on or (month.replace(day=20) if paid >= amount else None),
    )


def late_payer(coordinator, owed_months: int, **extra):
    """A BPU participant owing the ``owed_months`` months before this one, all past due."""
    participant = informal_participant(coordinator=coordinator, **extra)
    for k in range(1, owed_months + 1):
        bill(participant, months_ago(k))
    return participant


def wage_earner(coordinator, **extra):
    return informal_participant(coordinator=coordinator, category=Category.WAGE_EARNER, **extra)
