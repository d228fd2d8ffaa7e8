"""The participant export: the list page's rows (same scope, filters, search and sort),
with more columns than the page shows.

NIK: Excel and CSV carry the full number, because coordinators use it to register and
look people up at BPJS Ketenagakerjaan; the PDF masks it (``masked_nik``), because printed
paper is left on desks and passed around, where nobody can revoke it."""

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lindung.participants import selectors
from lindung.participants.columns import EXPORT_KEYS, FIELDS, keys_for, list_columns
from lindung.participants.filters import ParticipantFilterForm
from lindung.participants.models import Category, Participant, Sex, Status, mask_nik

from .spec import ExportColumn, ExportSpec, Params, register

SEARCH_MAX = 100  # as the list page (core/tables.py)
DEFAULT_SORT = "name"
TIEBREAK = "id"


def as_querydict(params: Params) -> QueryDict:
    """Both a request's QueryDict and a job's stored {key: [values]} become a QueryDict."""
    if isinstance(params, QueryDict):
        return params
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, list(values) if isinstance(values, list | tuple) else [values])
    return query


def _sortable(user: Any) -> dict[str, str]:
    # The list page's whitelist: a coordinator's list has no coordinator column to sort by.
    return {c.key: c.sort for c in list_columns(user) if c.sort}


def _sort_key(user: Any, query: QueryDict) -> str:
    sort = query.get("sort") or DEFAULT_SORT
    return sort if sort.lstrip("-") in _sortable(user) else DEFAULT_SORT


def _search_text(query: QueryDict) -> str:
    return (query.get("q") or "").strip()[:SEARCH_MAX]


def _filter_form(user: Any, query: QueryDict) -> ParticipantFilterForm:
    # Unbound when there is nothing to filter on, exactly as the list page does.
    return ParticipantFilterForm(query or None, user=user)


ROW_FIELDS = (
    "id",
    "nik",
    "full_name",
    "membership_number",
    "sex",
    "birth_date",
    "phone",
    "category",
    "status",
    "registration_date",
    *selectors.RELATED_NAMES,
)


def participant_export_queryset(user: Any, params: Params) -> QuerySet[Participant]:
    """The rows of the participant list for ``user`` and these GET parameters, in its order
    (read as named tuples of ROW_FIELDS by ``participant_export_rows``)."""
    query = as_querydict(params)
    queryset = selectors.participants_filter(
        selectors.participants_visible_to(user), _filter_form(user, query).filters()
    )
    q = _search_text(query)
    if q:
        matches = selectors.participants_search(queryset, q)
        if selectors.pins_one_coordinator(queryset):
            # One coordinator's matches are found in their range of the covering index
            # (participant_coord_cover) without reading a table row, and only those rows
            # are read. Filtered on the table directly, every one of the busiest
            # coordinator's 20,000 heap pages was read for 223 matches (167 -> 40 ms).
            matches = Participant.objects.filter(pk__in=matches.values("pk"))
        queryset = matches
    sort = _sort_key(user, query)
    field = _sortable(user)[sort.lstrip("-")]
    descending = sort.startswith("-")
    return queryset.order_by(f"-{field}" if descending else field, f"-{TIEBREAK}" if descending else TIEBREAK)


def participant_export_rows(queryset: QuerySet[Participant]) -> QuerySet[Any]:
    # Flat rows (a named tuple each) instead of a Participant and its four related objects:
    # building those took 380 ms of CPU for 9,300 rows, several times the query itself.
    return queryset.values_list(*ROW_FIELDS, named=True)


def _display(form: ParticipantFilterForm, name: str, value: Any) -> str:
    choices = getattr(form.fields[name], "choices", None)
    if isinstance(value, str) and choices is not None:
        return str(dict(choices).get(value, value))
    if value is True:
        return gettext("yes")
    return getattr(value, "name", None) or str(value)


def describe_participant_export(user: Any, params: Params) -> list[tuple[str, str]]:
    """The filters, search and sort actually applied (ignored or refused ones are not listed)."""
    query = as_querydict(params)
    form = _filter_form(user, query)
    applied = form.filters()
    shown = [*selectors.FILTER_FIELDS, "possible_duplicate"]
    lines = [(str(form.fields[k].label), _display(form, k, applied[k])) for k in shown if k in applied]
    q = _search_text(query)
    if q:
        lines.append((gettext("Search"), q))
    sort = _sort_key(user, query)
    label = str(FIELDS[sort.lstrip("-")].label)
    lines.append((gettext("Sorted by"), label + (" ↓" if sort.startswith("-") else "")))
    return lines


def _labels(choices: type[models.TextChoices]) -> Any:
    """``get_FOO_display`` per row hashes lazy labels (a third of a CSV's time); look up
    labels translated once per export instead."""
    labels = {value: str(label) for value, label in choices.choices}
    return lambda value: labels.get(value, value)


def _column(key: str, value: Callable[[Any], Any], **how: Any) -> ExportColumn:
    # Name and label from the one participant field list (participants/columns.py).
    return ExportColumn(key, FIELDS[key].label, value, **how)


def _coordinator(row: Any) -> str:
    # User.__str__: the full name, else the username; no coordinator, nothing.
    if row.coordinator__username is None:
        return ""
    full = f"{row.coordinator__first_name} {row.coordinator__last_name}".strip()
    return full or row.coordinator__username


def _columns(user: Any) -> list[ExportColumn]:
    sex, category, status = _labels(Sex), _labels(Category), _labels(Status)
    columns = [
        _column("nik", lambda p: p.nik, width=18, pdf_value=lambda p: mask_nik(p.nik)),
        _column("name", lambda p: p.full_name, width=28),
        _column("kpj", lambda p: p.membership_number or "", width=14),
        _column("sex", lambda p: sex(p.sex), width=10, in_pdf=False),
        _column("birth_date", lambda p: p.birth_date, kind="date", width=12, in_pdf=False),
        _column("phone", lambda p: p.phone, width=16),
        _column("village", lambda p: p.village__name, width=20),
        _column("district", lambda p: p.district__name, width=20),
        _column("group", lambda p: p.community_group__name or "", width=20),
        _column("coordinator", _coordinator, width=20),
        _column("category", lambda p: category(p.category), width=22, in_pdf=False),
        _column("status", lambda p: status(p.status), width=12),
        _column("registered", lambda p: p.registration_date, kind="date", width=12),
    ]
    assert [c.key for c in columns] == list(EXPORT_KEYS)
    shown = set(keys_for(user, EXPORT_KEYS))
    return [c for c in columns if c.key in shown]


PARTICIPANTS = register(
    ExportSpec(
        key="participants",
        title=_("Participants"),
        filename_stem="peserta",
        columns=_columns,
        queryset=participant_export_queryset,
        rows=participant_export_rows,
        describe=describe_participant_export,
        params_allowed=frozenset({"q", "sort", *ParticipantFilterForm.base_fields}),
    )
)
