"""Coverage status (CON-2): an informal worker becomes non-active after the number of
consecutive unpaid months the lapse rule in force says (3; an operational rule), and
active again once those months are paid."""

import datetime
from collections.abc import Callable, Iterable

from django.db.models import Q
from django.utils import timezone

from lindung.billing.models import Bill
from lindung.contributions.calculator import month_start
from lindung.contributions.models import RuleKind
from lindung.contributions.selectors import rules_in_force
from lindung.participants.models import Participant, Status
from lindung.participants.states import participant_states

REFRESH_CHUNK = 500
LAPSE_REASON = "coverage: lapse rule"


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
    return _apply_lapse(participant, lapse_months(participant, on), on)


def _apply_lapse(participant: Participant, limit: int | None, on: datetime.date, streak: int | None = None) -> str:
    if limit is None:
        return participant.status
    streak = unpaid_streak(participant, on) if streak is None else streak
    wanted = Status.NON_ACTIVE if streak >= limit else Status.ACTIVE
    if wanted != participant.status:
        # The system takes the transition (no actor), citing the rule as its reason.
        transition = "lapse" if wanted == Status.NON_ACTIVE else "reactivate"
        participant_states.move(participant, transition, actor=None, reason=LAPSE_REASON, unless_there=True)
    return wanted


def coverage_candidates(on: datetime.date) -> list[int]:
    """Who may need to change status today, in one query: active participants with a bill
    past due and unpaid (they may lapse) and everyone non-active (they may have paid)."""
    late = Bill.objects.filter(settled_on__isnull=True, due_date__lt=on).values("participant_id")
    return list(
        Participant.objects.filter(Q(status=Status.ACTIVE, pk__in=late) | Q(status=Status.NON_ACTIVE))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _unpaid_streaks(participant_ids: list[int], on: datetime.date) -> dict[int, int]:
    """unpaid_streak for many participants from one query (their past-due bills, newest
    first), instead of one query each."""
    streaks: dict[int, int] = {}
    broken: set[int] = set()
    rows = (
        Bill.objects.filter(participant_id__in=participant_ids, due_date__lt=on)
        .order_by("participant_id", "-month")
        .values_list("participant_id", "settled_on")
    )
    for pid, settled_on in rows.iterator(chunk_size=5000):
        if pid in broken:
            continue
        if settled_on is not None:
            broken.add(pid)
            continue
        streaks[pid] = streaks.get(pid, 0) + 1
    return streaks


def coverage_refresh_many(
    participant_ids: Iterable[int], on: datetime.date | None = None, report: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """coverage_refresh for many participants: how many were checked, lapsed, reactivated."""
    on = on or timezone.localdate()
    ids = list(participant_ids)
    counts = {"checked": 0, "lapsed": 0, "reactivated": 0}
    limits: dict[str, int | None] = {}
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start : start + REFRESH_CHUNK]
        streaks = _unpaid_streaks(chunk, on)
        for participant in Participant.objects.filter(pk__in=chunk):
            if participant.status not in (Status.ACTIVE, Status.NON_ACTIVE):
                continue
            # The lapse rule is read once per category, not once per participant.
            if participant.category not in limits:
                limits[participant.category] = lapse_months(participant, on)
            before = participant.status
            after = _apply_lapse(participant, limits[participant.category], on, streaks.get(participant.pk, 0))
            counts["checked"] += 1
            if after != before:
                counts["lapsed" if after == Status.NON_ACTIVE else "reactivated"] += 1
        if report:
            report(min(start + REFRESH_CHUNK, len(ids)), len(ids))
    return counts
