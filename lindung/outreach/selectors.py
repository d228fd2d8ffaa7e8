"""Reads: events in scope, each event's figures, the report and its chart."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from lindung.core import access

from .models import Attendee, OutreachEvent, QuizResponse
from .scoring import Change, change


def events_for(user: Any) -> QuerySet[OutreachEvent]:
    return access.scope(
        access.principal_of(user), OutreachEvent.objects.select_related("village", "coordinator")
    ).order_by("-starts_at", "pk")


def event_for(user: Any, pk: int, action: str = "view") -> OutreachEvent:
    return access.get_or_404(
        access.principal_of(user), OutreachEvent.objects.select_related("village", "coordinator"), action, pk=pk
    )


def attendee_for(user: Any, event: OutreachEvent, pk: int) -> Attendee:
    return access.get_or_404(access.principal_of(user), Attendee.objects.filter(event=event), "attend", pk=pk)


@dataclass(frozen=True)
class EventFigures:
    event: OutreachEvent
    attendees: int
    registrations: int
    change: Change


def figures(events: list[OutreachEvent]) -> list[EventFigures]:
    """Attendance, score change and registrations per event, in three queries."""
    ids = [e.pk for e in events]
    attendees = dict(
        Attendee.objects.filter(event_id__in=ids).values("event").annotate(n=Count("pk")).values_list("event", "n")
    )
    registrations = dict(
        OutreachEvent.objects.filter(pk__in=ids).annotate(n=Count("attributions")).values_list("pk", "n")
    )
    rows: dict[int, list[tuple[int, str, int, int]]] = {pk: [] for pk in ids}
    for event_id, attendee, phase, right, total in QuizResponse.objects.filter(attendee__event_id__in=ids).values_list(
        "attendee__event_id", "attendee_id", "phase", "score", "total"
    ):
        rows[event_id].append((attendee, phase, right, total))
    return [EventFigures(e, attendees.get(e.pk, 0), registrations.get(e.pk, 0), change(rows[e.pk])) for e in events]


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    before_width: float
    after_width: float
    before: float | None
    after: float | None


CHART_WIDTH = 300  # the SVG's drawing units; it scales to the screen
BAR_HEIGHT = 12


def score_chart(rows: list[EventFigures]) -> list[Bar]:
    """Bars of the average score before and after, per event (percent of CHART_WIDTH)."""
    bars = []
    for index, row in enumerate(rows):
        before, after = row.change.before, row.change.after
        bars.append(
            Bar(
                row.event.title,
                index * (BAR_HEIGHT * 2 + 22),
                CHART_WIDTH * (before or 0) / 100,
                CHART_WIDTH * (after or 0) / 100,
                before,
                after,
            )
        )
    return bars
