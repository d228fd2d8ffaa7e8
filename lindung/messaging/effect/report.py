"""Did the reminders make people pay? (MSG-10). For one group (a campaign; the outbox
``source`` until campaigns exist) compare the bills of reminded participants with those
of the held-out control group: the share paid within N days of planning and the median
days to pay, with 95 % confidence intervals for the differences.

Every planned bill counts in its arm whatever happened to the message (skipped because
already paid, no consent, failed): the arms were chosen at random before anything was
sent, so comparing them whole is fair ("intention to treat"). Leaving out failed or
skipped sends would compare the reachable with everyone and flatter the reminders."""

import datetime
import math
import random
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, Q, QuerySet

from lindung.core import access

from ..models import InboundMessage, OutboxMessage, Status
from .holdout import CONTROL_REASON

Z95 = statistics.NormalDist().inv_cdf(0.975)
BOOTSTRAP_ROUNDS = 400
BOOTSTRAP_SAMPLE_CAP = 2000  # payers per arm the median's interval is resampled from


@dataclass
class Arm:
    bills: int = 0
    paid: int = 0
    days: list[int] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return self.paid / self.bills if self.bills else None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None


@dataclass
class Interval:
    estimate: float
    low: float
    high: float

    @property
    def points(self) -> "Interval":
        """A difference of shares in percentage points."""
        return Interval(self.estimate * 100, self.low * 100, self.high * 100)

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


@dataclass
class EffectReport:
    group: str
    within_days: int
    reminded: Arm
    control: Arm
    rate_difference: Interval | None
    median_difference: Interval | None
    first_planned: datetime.date | None
    window_complete: bool
    funnel: list[tuple[str, int]]
    replies: int
    opt_outs: int


def groups_for(user: Any) -> list[str]:
    """Groups with a control arm the user can see, newest first."""
    rows = _scoped(user).filter(skip_reason=CONTROL_REASON).values("source").annotate(first=Min("id"))
    return [r["source"] for r in rows.order_by("-first")]


def _scoped(user: Any) -> QuerySet[OutboxMessage]:
    return access.scope(access.principal_of(user), OutboxMessage.objects.all())


def effect_report(user: Any, group: str, within_days: int, today: datetime.date) -> EffectReport:
    rows = _scoped(user).filter(source=group)
    units = (
        rows.filter(bill__isnull=False)
        .values("participant_id", "bill_id", "bill__settled_on")
        .annotate(planned=Min("created_at"), control=Count("id", filter=Q(skip_reason=CONTROL_REASON)))
    )
    reminded, control = Arm(), Arm()
    first: datetime.date | None = None
    for unit in units.iterator(chunk_size=5000):
        planned = unit["planned"].date()
        first = planned if first is None or planned < first else first
        arm = control if unit["control"] else reminded
        arm.bills += 1
        settled = unit["bill__settled_on"]
        if settled is not None:
            days = max(0, (settled - planned).days)
            if days <= within_days:
                arm.paid += 1
                arm.days.append(days)
    funnel = dict(
        rows.exclude(skip_reason=CONTROL_REASON).values_list("status").annotate(n=Count("id")).order_by("status")
    )
    participants = rows.exclude(skip_reason=CONTROL_REASON).values("participant_id")
    inbound = access.scope(access.principal_of(user), InboundMessage.objects.filter(participant_id__in=participants))
    return EffectReport(
        group=group,
        within_days=within_days,
        reminded=reminded,
        control=control,
        rate_difference=rate_difference(reminded, control),
        median_difference=median_difference(reminded.days, control.days, seed=group),
        first_planned=first,
        window_complete=first is not None and (today - first).days >= within_days,
        funnel=[(str(label), funnel.get(value, 0)) for value, label in Status.choices if value != Status.SENDING],
        replies=inbound.count(),
        opt_outs=inbound.filter(action="opt_out").count(),
    )


def rate_difference(a: Arm, b: Arm) -> Interval | None:
    """Difference of two proportions with the normal (Wald) 95 % interval; None when an
    arm is empty."""
    if not a.bills or not b.bills:
        return None
    p1, p0 = a.paid / a.bills, b.paid / b.bills
    se = math.sqrt(p1 * (1 - p1) / a.bills + p0 * (1 - p0) / b.bills)
    diff = p1 - p0
    return Interval(diff, diff - Z95 * se, diff + Z95 * se)


def median_difference(a: Iterable[int], b: Iterable[int], *, seed: str) -> Interval | None:
    """Difference of the medians of days to pay (reminded minus control) with a 95 %
    percentile bootstrap interval, seeded so the page shows the same figures each time."""
    xs, ys = list(a), list(b)
    if len(xs) < 5 or len(ys) < 5:
        return None
    rng = random.Random(seed)
    xs_sample = rng.sample(xs, BOOTSTRAP_SAMPLE_CAP) if len(xs) > BOOTSTRAP_SAMPLE_CAP else xs
    ys_sample = rng.sample(ys, BOOTSTRAP_SAMPLE_CAP) if len(ys) > BOOTSTRAP_SAMPLE_CAP else ys
    diffs = sorted(
        statistics.median(rng.choices(xs_sample, k=len(xs_sample)))
        - statistics.median(rng.choices(ys_sample, k=len(ys_sample)))
        for _ in range(BOOTSTRAP_ROUNDS)
    )
    low = diffs[int(0.025 * BOOTSTRAP_ROUNDS)]
    high = diffs[int(0.975 * BOOTSTRAP_ROUNDS) - 1]
    return Interval(statistics.median(xs) - statistics.median(ys), low, high)
