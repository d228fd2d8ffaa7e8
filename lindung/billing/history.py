"""The audit trail of payment methods, collection accounts and deposits (issue 14):
django-simple-history keeps a row per save; this turns one record's rows into what an
administrator reads: when, who, what kind of change and which fields went from what to
what."""

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Bookkeeping columns, not something a person changed.
IGNORED = frozenset({"id", "created_at", "recorded_at"})
KINDS = {"+": gettext_lazy("Created"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}


@dataclass
class HistoryRow:
    when: Any
    who: Any
    kind: str
    # simple_history's "+", "~" or "-".
    type: str
    reason: str
    changes: list[str] = field(default_factory=list)


def _shown(model: type[models.Model], name: str, value: Any) -> str:
    model_field = model._meta.get_field(name)
    if value in (None, ""):
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    choices = getattr(model_field, "flatchoices", None)
    if choices:
        return str(dict(choices).get(value, value))
    return str(value)


def history_of(obj: models.Model, limit: int = 50) -> list[HistoryRow]:
    """Newest first, at most ``limit`` rows (with their previous row, for the diff)."""
    model = type(obj)
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])  # type: ignore[attr-defined]
    rows: list[HistoryRow] = []
    for record, previous in zip(records, [*records[1:], None], strict=False):
        if len(rows) == limit:
            break
        row = HistoryRow(
            when=record.history_date,
            who=record.history_user,
            kind=str(KINDS.get(record.history_type, record.history_type)),
            type=record.history_type,
            reason=record.history_change_reason or "",
        )
        if record.history_type == "~" and previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in IGNORED:
                    continue
                label = str(getattr(model._meta.get_field(change.field), "verbose_name", change.field))
                row.changes.append(
                    f"{label}: {_shown(model, change.field, change.old)} → {_shown(model, change.field, change.new)}"
                )
        rows.append(row)
    return rows
