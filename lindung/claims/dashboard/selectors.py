"""The claims dashboard's figures, each one query over the claims in the user's scope:
counts by status and days in status, the service level (days from submission to
payment), claims stalled on missing documents, and the same per branch area and officer."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Left
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.core.models import DomainEvent
from lindung.regions.models import CODE_LENGTH, Level, Region

from ..claim import Claim, ClaimStatus
from .models import ServiceLevel

S = ClaimStatus
# Days in the current status: the buckets of the ageing table (the last one is open).
AGE_BUCKETS: tuple[tuple[int, int | None], ...] = ((0, 2), (3, 7), (8, 14), (15, 30), (31, None))
# Submitted and not yet paid: the part of the journey the service level counts.
IN_PROGRESS = (S.SUBMITTED, S.NEEDS_DOCUMENTS, S.VERIFIED, S.APPROVED)
STALLED_LIST = 20
# What the counts count: a column that is never empty and leads the claim indexes
# (claim_queue, claim_area_officer), so the figures can be read from an index alone
# where COUNT(id) would visit every row of the table.
ROW = "status"


def bucket_label(low: int, high: int | None) -> str:
    return (
        _("%(low)s+ days") % {"low": low} if high is None else _("%(low)s–%(high)s days") % {"low": low, "high": high}
    )


def _age_filters(now: datetime.datetime) -> dict[str, Q]:
    """Days in status, counted in whole days from the status change (0 = changed today)."""
    filters = {}
    for index, (low, high) in enumerate(AGE_BUCKETS):
        condition = Q(status_changed_at__lte=now - datetime.timedelta(days=low))
        if high is not None:
            condition &= Q(status_changed_at__gt=now - datetime.timedelta(days=high + 1))
        filters[f"age{index}"] = condition
    return filters


@dataclass(frozen=True)
class StatusRow:
    status: str
    label: str
    total: int
    ages: list[int]


def by_status(claims: QuerySet[Claim], now: datetime.datetime) -> list[StatusRow]:
    ages = _age_filters(now)
    counted = {
        row["status"]: row
        for row in claims.order_by()
        .values("status")
        .annotate(total=Count(ROW), **{name: Count(ROW, filter=condition) for name, condition in ages.items()})
    }
    rows = []
    for status, label in S.choices:
        row: dict[str, Any] = counted.get(status, {})
        rows.append(StatusRow(status, str(label), row.get("total", 0), [row.get(name, 0) for name in ages]))
    return rows


@dataclass(frozen=True)
class Sla:
    level: ServiceLevel | None
    in_progress: int
    overdue: int
    by_age: list[int]


def sla(claims: QuerySet[Claim], today: datetime.date) -> Sla:
    level = ServiceLevel.on(today)
    open_claims = claims.filter(status__in=IN_PROGRESS, submitted_on__isnull=False)
    since = {
        f"sub{index}": Q(submitted_on__lte=today - datetime.timedelta(days=low))
        & (Q() if high is None else Q(submitted_on__gt=today - datetime.timedelta(days=high + 1)))
        for index, (low, high) in enumerate(AGE_BUCKETS)
    }
    late = Q(submitted_on__lt=today - datetime.timedelta(days=level.days)) if level else Q(pk__in=[])
    figures = open_claims.order_by().aggregate(
        total=Count(ROW), late=Count(ROW, filter=late), **{k: Count(ROW, filter=v) for k, v in since.items()}
    )
    return Sla(level, figures["total"], figures["late"], [figures[k] for k in since])


@dataclass(frozen=True)
class Stalled:
    claim: Claim
    days: int
    reason: str


def stalled_on_documents(claims: QuerySet[Claim], now: datetime.datetime) -> tuple[int, list[Stalled]]:
    """Claims waiting for documents, the longest first, with what was asked for."""
    waiting = claims.filter(status=S.NEEDS_DOCUMENTS)
    oldest = list(waiting.select_related("participant").order_by("status_changed_at", "id")[:STALLED_LIST])
    asked = {
        event.subject_id: event.payload.get("reason", "")
        for event in DomainEvent.objects.filter(
            kind="claim.status_changed",
            subject_type="claims.claim",
            subject_id__in=[c.pk for c in oldest],
            payload__transition="request_documents",
        ).order_by("id")
    }
    rows = [
        Stalled(c, (now - c.status_changed_at).days if c.status_changed_at else 0, asked.get(c.pk, "")) for c in oldest
    ]
    return waiting.count(), rows


@dataclass(frozen=True)
class GroupRow:
    name: str
    in_progress: int
    needs_documents: int
    overdue: int


def _fold(cells: list[dict[str, Any]], name_of: Any) -> list[GroupRow]:
    folded: dict[str, list[int]] = {}
    for cell in cells:
        figures = folded.setdefault(name_of(cell), [0, 0, 0])
        figures[0] += cell["total"]
        figures[1] += cell["docs"]
        figures[2] += cell["late"]
    rows = [GroupRow(name, *figures) for name, figures in folded.items()]
    return sorted(rows, key=lambda row: (-row.in_progress, row.name))


def by_area_and_officer(claims: QuerySet[Claim], today: datetime.date) -> tuple[list[GroupRow], list[GroupRow]]:
    """Claims in progress per branch area and per officer, from one grouped scan.

    One branch serves one installation; its areas are the regencies its participants live
    in. The scan groups the claim's own copy of the participant's district, cut to its
    regency (a region code carries its parents as prefixes), and the officer: no join, and
    read from the claim_area_officer index alone. The few cells are then folded into
    regencies and into officers."""
    level = ServiceLevel.on(today)
    late = Q(submitted_on__lt=today - datetime.timedelta(days=level.days)) if level else Q(pk__in=[])
    cells = list(
        claims.filter(status__in=IN_PROGRESS)
        .order_by()
        .values(regency=Left("district_id", CODE_LENGTH[Level.REGENCY]), officer_pk=F("officer_id"))
        .annotate(
            total=Count(ROW),
            docs=Count(ROW, filter=Q(status=S.NEEDS_DOCUMENTS)),
            late=Count(ROW, filter=late & Q(submitted_on__isnull=False)),
        )
    )
    regencies = dict(
        Region.objects.filter(pk__in={cell["regency"] for cell in cells} - {None}).values_list("pk", "name")
    )
    officers = {cell["officer_pk"] for cell in cells} - {None}
    names = dict(get_user_model().objects.filter(pk__in=officers).values_list("pk", "username"))
    no_area, nobody = _("No area"), _("No officer yet")
    return (
        _fold(cells, lambda cell: regencies.get(cell["regency"]) or no_area),
        _fold(cells, lambda cell: names.get(cell["officer_pk"]) or nobody),
    )


def dashboard(claims: QuerySet[Claim]) -> dict[str, Any]:
    now = timezone.now()
    today = timezone.localdate()
    stalled_total, stalled = stalled_on_documents(claims, now)
    areas, officers = by_area_and_officer(claims, today)
    return {
        "statuses": by_status(claims, now),
        "buckets": [bucket_label(low, high) for low, high in AGE_BUCKETS],
        "sla": sla(claims, today),
        "stalled_total": stalled_total,
        "stalled": stalled,
        "areas": areas,
        "officers": officers,
    }
