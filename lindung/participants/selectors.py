"""Reads of participants. Everything starts from ``participants_visible_to`` so the
scoping rule of core/scoping.py applies to lists, details, exports, downloads and the API."""

from collections.abc import Mapping
from dataclasses import dataclass
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
        # One to three digits: the start of a NIK (a province or regency code). No name
        # holds digits, so reading them as a name fragment found nothing after reading
        # every row (3.5 s at 10M).
        return queryset.filter(nik__startswith=digits)
    key = name_key_of(text)
    if not key:
        return queryset.none()
    return queryset.filter(name_key__contains=key)


def name_key_of(text: str) -> str:
    """The folded name fragment ``participants_search`` looks for in ``name_key``, or ""
    when it reads the text as digits (NIK, KPJ, phone) or it folds to nothing. A copy of
    ``name_key`` elsewhere (the claim archive) is searched with the same key."""
    if clean_nik(text).isdigit():
        return ""
    return normalize_name(text)


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
# whole table when the matches sort late ("siti", "yanti"). More matches than this are
# dense enough for the walk, except a name that begins more than COUNT_CAP names: see
# ``participants_name_window``.
MATCHES_FIRST_BELOW = COUNT_CAP


def searches_by_trigram(text: str) -> bool:
    """Whether ``participants_search`` looks ``text`` up as a name fragment the trigram
    index can find (three characters or more after folding; not a NIK, KPJ or phone)."""
    text = text.strip()[:100]
    digits = clean_nik(text)
    if digits.isdigit():
        return False
    return len(normalize_name(text)) >= 3


@dataclass(frozen=True)
class NamePrefix:
    """The rows of a scoped, filtered ``queryset`` whose folded name begins with
    ``key``: a subset of a name search's matches that the name_key b-trees find in name
    order, reading only as many index entries as wanted (``participants_name_prefix``)."""

    queryset: QuerySet[Participant]
    key: str

    def rows(self) -> QuerySet[Participant]:
        # LIKE 'key%': the pattern index (name_key's _like) counts them without the table.
        return self.queryset.filter(name_key__startswith=self.key)

    def in_name_order(self, *, descending: bool) -> QuerySet[Participant]:
        """The same rows by a range, which the (name_key, birth_date) index (participant_dup_key)
        reads in order; a LIKE beside it would make the planner expect a few dozen rows and
        sort them all. In a collation other than code-point order the range may hold other
        names: ``participants_name_window`` drops them."""
        after = self.key[:-1] + chr(ord(self.key[-1]) + 1)
        # birth_date before id: at 10,000,000 rows one name repeats thousands of times
        # ("joko santoso"), and ordering them by id alone reads every one of them.
        order = ("-name_key", "-birth_date", "-id") if descending else ("name_key", "birth_date", "id")
        return self.queryset.filter(name_key__gte=self.key, name_key__lt=after).order_by(*order)


def participants_name_prefix(queryset: QuerySet[Participant], text: str) -> NamePrefix | None:
    """For a name search the trigram index serves (else None), the rows of ``queryset``
    (scoped and filtered, not yet searched) whose name begins with the term."""
    if not searches_by_trigram(text):
        return None
    return NamePrefix(queryset, normalize_name(text.strip()[:100]))


def participants_name_window(
    prefix: NamePrefix, *, descending: bool, offset: int, limit: int
) -> tuple[list[int], int] | None:
    """A page of a name search with more matches than COUNT_CAP, sorted by name, when
    more than COUNT_CAP names begin with the term: the first COUNT_CAP of those in
    name order (folded: capitals and accents aside; then date of birth), descending
    for a descending sort; else None (the walk serves the page).

    At 10,000,000 participants a common given name ("joko") begins ~100,000 names, all
    sorted together far into the name index: the walk filtered 4.35M rows to reach them
    (15-20 s), and sorting even 10,000 matches costs 10,000 scattered row reads. This
    page reads offset + limit index entries. It lists only part of the matches (names
    containing the term elsewhere are left out), so the page says so."""
    if _bounded_count(prefix.rows(), COUNT_CAP + 1, fenced=False) <= COUNT_CAP:
        return None
    limit = max(min(limit, COUNT_CAP - offset), 0)
    page = prefix.in_name_order(descending=descending).values_list("pk", "name_key")[offset : offset + limit]
    return [pk for pk, name_key in page if name_key.startswith(prefix.key)], COUNT_CAP


def participants_count(
    queryset: QuerySet[Participant], *, matches_first: bool = False, prefix: NamePrefix | None = None
) -> RowCount:
    """Count for the list's pager: exact up to COUNT_CAP; beyond it the planner's
    estimate for the whole table (unfiltered), else "more than COUNT_CAP".

    ``matches_first`` (a name search the trigram index serves, ``searches_by_trigram``)
    counts through a fence on PostgreSQL: see ``_bounded_count``. ``prefix``
    (``participants_name_prefix``) is a subset of the matches counted first: when it
    alone has more than COUNT_CAP rows the b-tree says so in a few milliseconds, where
    the trigram index collects every match of a common name first (~0.2-0.4 s at
    10,000,000 rows)."""
    if prefix is not None and _bounded_count(prefix.rows(), COUNT_CAP + 1, fenced=False) > COUNT_CAP:
        return RowCount(COUNT_CAP, exact=False, at_least=True)
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
