"""A participant's timeline (REG-3): registration, edits with the fields changed, and
documents. Later capabilities (payments, messages, claims) add their own entries here."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Field
from django.utils.translation import gettext as _

from .models import Participant

TIMELINE_LIMIT = 100


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    when: datetime
    who: str
    what: str
    changes: list[FieldChange] = field(default_factory=list)
    note: str = ""


def _field(name: str) -> "Field[Any, Any]":
    model_field = Participant._meta.get_field(name)
    assert isinstance(model_field, Field)
    return model_field


def _display(record: Any, name: str) -> str:
    value = getattr(record, name, None)
    if value is None or value == "":
        return "–"
    model_field = _field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        related = getattr(record, f"{name}_id", None)
        return str(getattr(record, name, related) or related)
    return str(value)


def participant_timeline(participant: Participant) -> list[TimelineEntry]:
    records = list(
        participant.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : TIMELINE_LIMIT + 1
        ]
    )
    entries: list[TimelineEntry] = []
    for index, record in enumerate(records[:TIMELINE_LIMIT]):
        who = str(record.history_user) if record.history_user else _("system")
        if record.history_type == "+":
            entries.append(
                TimelineEntry(record.history_date, who, _("Registered"), note=record.history_change_reason or "")
            )
            continue
        previous = records[index + 1] if index + 1 < len(records) else None
        changes: list[FieldChange] = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                label = str(_field(change.field).verbose_name)
                changes.append(FieldChange(label, _display(previous, change.field), _display(record, change.field)))
        what = _("Deleted") if record.history_type == "-" else _("Changed")
        if changes or record.history_type == "-":
            entries.append(TimelineEntry(record.history_date, who, what, changes, record.history_change_reason or ""))
    for document in participant.documents.select_related("uploaded_by"):
        entries.append(
            TimelineEntry(
                document.uploaded_at,
                str(document.uploaded_by),
                _("Document uploaded"),
                note=document.get_kind_display(),
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries
