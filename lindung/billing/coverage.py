"""Coverage status (CON-2): an informal worker becomes non-active after the number of
consecutive unpaid months the lapse rule in force says (3; an operational rule), and
active again once those months are paid."""

import datetime

from django.utils import timezone

from lindung.contributions.calculator import month_start
from lindung.contributions.models import RuleKind
from lindung.contributions.selectors import rules_in_force
from lindung.participants.models import Participant, Status

from .models import Bill


def lapse_months(participant: Participant, on: datetime.date) -> int | None:
    rule = rules_in_force(month_start(on)).find(RuleKind.LAPSE, participant.category)
    return rule.months if rule is not None and rule.months else None


def unpaid_streak(participant: Participant, on: datetime.date) -> int:
    """Consecutive most recent bills past due and not paid in full."""
    streak = 0
    for settled_on, _due in (
        Bill.objects.filter(participant=participant, due_date__lt=on)
        .order_by("-month")
        .values_list("settled_on", "due_date")
    ):
        if settled_on is not None:
            break
        streak += 1
    return streak


def coverage_refresh(participant: Participant, on: datetime.date | None = None) -> str:
    """Move the participant between active and non-active as the lapse rule says. Other
    statuses (draft, submitted, exited, deceased) are people's decisions and stay."""
    on = on or timezone.localdate()
    if participant.status not in (Status.ACTIVE, Status.NON_ACTIVE):
        return participant.status
    limit = lapse_months(participant, on)
    if limit is None:
        return participant.status
    wanted = Status.NON_ACTIVE if unpaid_streak(participant, on) >= limit else Status.ACTIVE
    if wanted != participant.status:
        participant.status = wanted
        participant._change_reason = "coverage: lapse rule"  # type: ignore[attr-defined]
        participant.save(update_fields=["status", "updated_at"])
    return wanted
