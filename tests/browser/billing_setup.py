"""Data for the payment browser tests: a participant owing last month and this month."""

from django.utils import timezone

from lindung.accounts.models import User
from lindung.billing.bills.services import bills_generate
from lindung.billing.selectors import prepay_options
from lindung.billing.tests.factories import informal_participant
from lindung.contributions.calculator import add_months, month_start
from lindung.participants.models import Participant


def owing_two_months(coordinator: User, full_name: str) -> tuple[Participant, dict[int, int]]:
    """The participant, and what each choice of months in advance costs today."""
    participant = informal_participant(coordinator=coordinator, full_name=full_name)
    this_month = month_start(timezone.localdate())
    for month in (add_months(this_month, -1), this_month):
        bills_generate(month=month, participant_ids=[participant.pk])
    options = {o.months: o.amount for o in prepay_options(participant, timezone.localdate())}
    return participant, options
