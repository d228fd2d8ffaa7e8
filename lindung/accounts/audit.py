"""The audit trail (ACC-6): sign-ins from django-axes' logs and participant changes from
django-simple-history. Field diffs are computed for the rows of one page only, with the
previous version of every row fetched in a single query."""

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from axes.models import AccessFailureLog, AccessLog
from django.apps import apps
from django.db.models import F, Field, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.fields import BooleanField
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

SIGNIN_FIELDS = ("id", "attempt_time", "username", "ip_address", "user_agent")
# Columns the history keeps that are bookkeeping rather than something a person changed.
IGNORED_FIELDS = frozenset({"created_at", "created_by", "updated_at", "name_key"})
# The model whose history the changes tab reads, named by its label as a ForeignKey would:
# participants sit above accounts, so accounts never import them.
AUDITED_MODEL = "participants.Participant"


def _audited() -> Any:
    return apps.get_model(AUDITED_MODEL)


def day_bounds(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """[start of date_from, start of the day after date_to) in the active time zone."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz) if date_from else None
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz) if date_to else None
    return start, end


def _within(qs: QuerySet[Any], field: str, start: dt.datetime | None, end: dt.datetime | None) -> QuerySet[Any]:
    if start:
        qs = qs.filter(**{f"{field}__gte": start})
    if end:
        qs = qs.filter(**{f"{field}__lt": end})
    return qs


def signins(
    *, username: str = "", outcome: str = "", start: dt.datetime | None = None, end: dt.datetime | None = None
) -> QuerySet[Any]:
    """Successful and failed sign-ins as one queryset of dicts (a UNION when both are wanted)."""
    parts: list[QuerySet[Any]] = []
    if outcome in ("", "success"):
        ok = _within(AccessLog.objects.all(), "attempt_time", start, end)
        if username:
            ok = ok.filter(username__icontains=username)
        parts.append(
            ok.values(*SIGNIN_FIELDS).annotate(
                success=Value(True, output_field=BooleanField()), was_locked=Value(False, output_field=BooleanField())
            )
        )
    if outcome in ("", "failure"):
        failed = _within(AccessFailureLog.objects.all(), "attempt_time", start, end)
        if username:
            failed = failed.filter(username__icontains=username)
        parts.append(
            failed.values(*SIGNIN_FIELDS).annotate(
                success=Value(False, output_field=BooleanField()), was_locked=F("locked_out")
            )
        )
    first, *rest = parts
    return first.union(*rest, all=True) if rest else first


def participant_changes(
    *, user_id: int | None = None, kind: str = "", start: dt.datetime | None = None, end: dt.datetime | None = None
) -> QuerySet[Any]:
    qs = _within(_audited().history.select_related("history_user"), "history_date", start, end)
    if user_id:
        qs = qs.filter(history_user_id=user_id)
    if kind:
        qs = qs.filter(history_type=kind)
    return qs


def participant_change_search(qs: QuerySet[Any], q: str) -> QuerySet[Any]:
    return qs.filter(full_name__icontains=q)


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class ChangeRow:
    record: Any
    changes: list[FieldChange]
    url: str | None


def _display(field: "Field[Any, Any]", value: Any) -> str:
    if value is None or value == "":
        return "–"
    choices = dict(field.flatchoices) if field.choices else {}
    return str(choices.get(value, value))


def _participant_url(pk: int) -> str | None:
    # The participants app owns that route; until it exists the name is shown without a link.
    try:
        return reverse("participants:detail", args=[pk])
    except NoReverseMatch:
        return None


def change_rows(records: list[Any]) -> list[ChangeRow]:
    """Rows of one page with their field changes: three queries whatever the page size."""
    audited = _audited()
    history = audited.history.model
    ids = [r.history_id for r in records if r.history_type == "~"]
    previous_ids = (
        # Two saves can share a timestamp: the history id breaks the tie, as in the ordering.
        history.objects.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    pairs: dict[int, int | None] = {}
    if ids:
        pairs = dict(
            history.objects.filter(history_id__in=ids)
            .annotate(prev=Subquery(previous_ids))
            .values_list("history_id", "prev")
        )
    wanted = [p for p in pairs.values() if p]
    by_id = {p.history_id: p for p in history.objects.filter(history_id__in=wanted)} if wanted else {}
    previous = {current: by_id[prev] for current, prev in pairs.items() if prev in by_id}
    alive = (
        set(audited.objects.filter(pk__in={r.id for r in records}).order_by().values_list("pk", flat=True))
        if records
        else set()
    )
    rows = []
    for record in records:
        changes: list[FieldChange] = []
        before = previous.get(record.history_id)
        if record.history_type == "~" and before is not None:
            delta = record.diff_against(before, excluded_fields=IGNORED_FIELDS)
            for change in delta.changes:
                field = cast(Field, audited._meta.get_field(change.field))
                changes.append(
                    FieldChange(str(field.verbose_name), _display(field, change.old), _display(field, change.new))
                )
        rows.append(ChangeRow(record, changes, _participant_url(record.id) if record.id in alive else None))
    return rows
