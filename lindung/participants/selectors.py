"""Reads of participants. Everything starts from ``participants_visible_to`` so the
scoping rule of core/scoping.py applies to lists, details, exports, downloads and the API."""

from collections.abc import Mapping
from typing import Any

from django.db import connection, connections
from django.db.models import QuerySet

from lindung.core.scoping import get_scoped_or_404, scope_queryset
from lindung.core.tables import RowCount

from .models import FamilyMember, IdentityDocument, Participant
from .names import normalize_name
from .nik import clean_nik

# Filters the list, export and API accept, and the column each narrows.
FILTER_FIELDS = {
    "district": "district_id",
    "village": "village_id",
    "group": "community_group_id",
    "coordinator": "coordinator_id",
    "status": "status",
    "category": "category",
}


def participants_visible_to(user: Any) -> QuerySet[Participant]:
    return scope_queryset(user, Participant.objects.all())


def participant_get_for_user(user: Any, pk: int) -> Participant:
    return get_scoped_or_404(
        user,
        Participant.objects.select_related("village", "district", "community_group", "coordinator", "registered_by"),
        pk=pk,
    )


def document_get_for_user(user: Any, participant_pk: int, pk: int) -> IdentityDocument:
    return get_scoped_or_404(
        user, IdentityDocument.objects.select_related("participant"), pk=pk, participant_id=participant_pk
    )


def participants_filter(queryset: QuerySet[Participant], filters: Mapping[str, Any]) -> QuerySet[Participant]:
    for key, column in FILTER_FIELDS.items():
        value = filters.get(key)
        if value not in (None, ""):
            queryset = queryset.filter(**{column: getattr(value, "pk", value)})
    if filters.get("possible_duplicate"):
        queryset = queryset.filter(possible_duplicate=True)
    return queryset


def participants_search(queryset: QuerySet[Participant], text: str) -> QuerySet[Participant]:
    """Digits search NIK (prefix), KPJ or phone; anything else the folded name.

    A NIK prefix and a name fragment each use an index on PostgreSQL (the NIK's
    pattern index and a trigram index on name_key).
    """
    digits = clean_nik(text)
    if digits.isdigit():
        if len(digits) == 16:
            return queryset.filter(nik=digits)
        if digits.startswith("08") and len(digits) >= 10:
            return queryset.filter(phone="+62" + digits[1:])
        if len(digits) >= 4:
            return queryset.filter(nik__startswith=digits) | queryset.filter(membership_number=digits)
    key = normalize_name(text)
    if not key:
        return queryset.none()
    return queryset.filter(name_key__contains=key)


def participant_list_rows(queryset: QuerySet[Participant]) -> QuerySet[Participant]:
    """What a list row shows, joined once for the page (no N+1)."""
    return queryset.select_related("village", "district", "community_group", "coordinator").only(
        "id",
        "nik",
        "full_name",
        "status",
        "registration_date",
        "possible_duplicate",
        "phone",
        "village__name",
        "district__name",
        "community_group__name",
        "coordinator__username",
        "coordinator__first_name",
        "coordinator__last_name",
    )


def family_member_get_for_user(user: Any, participant_pk: int, pk: int) -> FamilyMember:
    return get_scoped_or_404(
        user, FamilyMember.objects.select_related("participant"), pk=pk, participant_id=participant_pk
    )


# Beyond this many matches a list says "more than 10,000" instead of counting them all:
# nobody pages that far, and an exact count of a common surname costs ~100 ms at 1M rows.
COUNT_CAP = 10_000

# A search with an exactly counted number of matches (at most this many) reads its page
# from the matches first (core/tables.py, matches_first_ids): the trigram index finds
# them all and only they are sorted, where walking the name index would filter up to the
# whole table when the matches sort late ("siti", "yanti"). More matches than the cap are
# paged within a window of COUNT_CAP of them (core/tables.py, window_ids): at 10,000,000
# rows a common given name has ~100,000 matches sorted together under one letter, and
# the walk filtered 4.35M rows to reach them (BENCHMARKS.md).
MATCHES_FIRST_BELOW = COUNT_CAP


def searches_by_trigram(text: str) -> bool:
    """Whether ``participants_search`` looks ``text`` up as a name fragment the trigram
    index can find (three characters or more after folding; not a NIK, KPJ or phone)."""
    text = text.strip()[:100]
    digits = clean_nik(text)
    if digits.isdigit() and (len(digits) >= 4):
        return False
    return len(normalize_name(text)) >= 3


def participants_count(queryset: QuerySet[Participant], *, matches_first: bool = False) -> RowCount:
    """Count for the list's pager: exact up to COUNT_CAP; beyond it the planner's
    estimate for the whole table (unfiltered), else "more than COUNT_CAP".

    ``matches_first`` (a name search the trigram index serves, ``searches_by_trigram``)
    counts through a fence on PostgreSQL: see ``_bounded_count``."""
    bounded = _bounded_count(queryset, COUNT_CAP + 1, fenced=matches_first)
    if bounded <= COUNT_CAP:
        return RowCount(bounded)
    if not queryset.query.where and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [Participant._meta.db_table]
            )
            row = cursor.fetchone()
        estimate = int(row[0]) if row else 0
        if estimate > COUNT_CAP:
            return RowCount(estimate, exact=False)
    return RowCount(COUNT_CAP, exact=False, at_least=True)


def _bounded_count(queryset: QuerySet[Participant], cap: int, *, fenced: bool) -> int:
    """How many rows, counting no further than ``cap``.

    ``fenced``, on PostgreSQL: the rows are read through a MATERIALIZED CTE, which is planned to
    return all its rows: a selective name search is then found by the trigram index
    (~75 ms for 9,000 matches of 1,000,000) instead of a LIMIT-driven filter over the
    whole name index (~120 ms whatever the term); a common one is read lazily, and the
    count stops after ``cap`` rows."""
    queryset = queryset.order_by()
    if not fenced or connections[queryset.db].vendor != "postgresql":
        return queryset[:cap].count()
    sql, params = queryset.values_list("pk", flat=True).query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        # The SQL is Django's own for the queryset; every value in it is a parameter.
        counted = f"WITH matches AS MATERIALIZED ({sql}) SELECT count(*) FROM (SELECT 1 FROM matches LIMIT %s) n"  # noqa: S608
        cursor.execute(counted, [*params, cap])
        row = cursor.fetchone()
    return int(row[0]) if row else 0
