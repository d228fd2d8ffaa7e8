"""Reads of participants. Everything starts from ``participants_visible_to`` so the
scoping rule of core/scoping.py applies to lists, details, exports, downloads and the API."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections
from django.db.models import QuerySet, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import Exact
from django.db.models.sql.where import AND, WhereNode

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

    A NIK prefix and a name fragment each use an index on PostgreSQL: the NIK's
    covering pattern index (participant_nik_cover) and, across coordinators, a trigram
    index on name_key. Within one coordinator's rows a name fragment is looked up with
    STRPOS, which the trigram index cannot serve, so the planner reads the coordinator's
    range of participant_coord_cover: name_key and every sort key are in the index, so
    no table row is read (see ``pins_one_coordinator``). Both forms match the same rows.
    """
    digits = clean_nik(text)
    if digits.isdigit():
        if len(digits) == 16:
            return queryset.filter(nik=digits)
        if digits.startswith("08") and len(digits) >= 10:
            return queryset.filter(phone="+62" + digits[1:])
        if len(digits) >= 4:
            return _nik_prefix_or_kpj(queryset, digits)
        # One to three digits: the start of a NIK (a province or regency code). No name
        # holds digits, so reading them as a name fragment found nothing after reading
        # every row (3.5 s at 10M).
        return queryset.filter(nik__startswith=digits)
    key = name_key_of(text)
    if not key:
        return queryset.none()
    if len(key) >= 3 and pins_one_coordinator(queryset):
        return queryset.alias(name_at=StrIndex("name_key", Value(key))).filter(name_at__gt=0)
    return queryset.filter(name_key__contains=key)


def _nik_prefix_or_kpj(queryset: QuerySet[Participant], digits: str) -> QuerySet[Participant]:
    """The rows whose NIK begins with ``digits`` or whose KPJ is ``digits``.

    The KPJ is unique, so at most one row has it: it is looked up first (within the
    scope) and added by its id only when its NIK does not already match. The usual
    answer is then the NIK prefix alone, which the covering NIK index counts and sorts
    without reading the table; an OR of the two indexes read every match's row (a
    4-digit regency code: 32,811 rows on 31,545 pages at 10,000,000 participants)."""
    by_nik = queryset.filter(nik__startswith=digits)
    kpj_holder = (
        queryset.filter(membership_number=digits).exclude(nik__startswith=digits).values_list("pk", flat=True).first()
    )
    if kpj_holder is None:
        return by_nik
    return by_nik | queryset.filter(pk=kpj_holder)


def pins_one_coordinator(queryset: QuerySet[Participant]) -> bool:
    """Whether ``queryset``'s filter holds ``coordinator_id = <one user>`` among its
    ANDed conditions: a coordinator's own scope (core/access.py) or an administrator's
    coordinator filter. Only the search's plan depends on it, never which rows match."""
    return _pins_coordinator(queryset.query.where)


def _pins_coordinator(node: WhereNode) -> bool:
    if node.connector != AND or node.negated:
        return False
    for child in node.children:
        if isinstance(child, WhereNode) and _pins_coordinator(child):
            return True
        target = getattr(getattr(child, "lhs", None), "target", None)
        if isinstance(child, Exact) and child.rhs is not None and getattr(target, "column", "") == "coordinator_id":
            return True
    return False


def participants_search_subset(queryset: QuerySet[Participant], text: str) -> QuerySet[Participant] | None:
    """Rows of ``queryset`` (scoped and filtered, not yet searched) that the search for
    ``text`` certainly matches and a b-tree counts without reading the table: the names
    that begin with a name fragment, the NIKs that begin with 4 to 15 digits. When they
    alone are more than COUNT_CAP, so is the search (``participants_count``).

    None for a name within one coordinator: their search reads only their own range of
    participant_coord_cover, as would counting the names that begin with it first, so
    that count would double the work and never save any (18 ms of 60 for the busiest
    coordinator at 10,000,000)."""
    prefix = participants_name_prefix(queryset, text)
    if prefix is not None:
        return None if pins_one_coordinator(queryset) else prefix.rows()
    if searches_nik_prefix(text):
        return queryset.filter(nik__startswith=clean_nik(text.strip()[:100]))
    return None


def name_key_of(text: str) -> str:
    """The folded name fragment ``participants_search`` looks for in ``name_key``, or ""
    when it reads the text as digits (NIK, KPJ, phone) or it folds to nothing. A copy of
    ``name_key`` elsewhere (the claim archive) is searched with the same key."""
    if clean_nik(text).isdigit():
        return ""
    return normalize_name(text)


# The names a list row shows from its related rows (the list page and the export).
RELATED_NAMES = (
    "village__name",
    "district__name",
    "community_group__name",
    "coordinator__username",
    "coordinator__first_name",
    "coordinator__last_name",
)


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
        *RELATED_NAMES,
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


# A NIK prefix of 4 to 15 digits lies within one regency (the NIK's first four digits):
# its holders are counted exactly up to this many from the covering NIK index (~10 ms for
# 33,000 at 10,000,000 rows, no table read) and its page is read from them first, sorted
# in memory, where the walk along the sort index read one row in ~300 to find each match.
# Beyond it (a very large regency) the holders are dense enough for the walk.
NIK_EXACT_BELOW = 60_000


def searches_nik_prefix(text: str) -> bool:
    """Whether ``participants_search`` looks ``text`` up as a NIK prefix of 4 to 15
    digits (possibly also a KPJ), not a whole NIK, a phone number or a shorter code."""
    digits = clean_nik(text.strip()[:100])
    return digits.isdigit() and 4 <= len(digits) < 16 and not (digits.startswith("08") and len(digits) >= 10)


# A search with more matches than it counts is sorted by name only (the list's
# keys; the API's ``full_name``): by name the page is read from the name index
# (``participants_name_window`` or the walk), where any other order sorts every match
# after reading its row: 92,760 rows on 83,164 pages for "joko" at 10,000,000
# participants, 1.1-5 s by village, group or coordinator; a NIK prefix of one to three
# digits (a province: ~300,000 holders) 126-217 ms by village. The page says so and asks
# for a narrower search, whose matches (at most COUNT_CAP) are sorted in any order.
SORTS_OVER_CAP = frozenset({"name"})

# ... and paged through its first PAGED_OVER_CAP rows only (100 pages of 25): each page
# walks the name index past every earlier match, and for a term inside names (a common
# surname) or a province's NIK prefix the 10,000th match lies deep (page 400: 231-255 ms
# for "santoso", 145-155 ms for "93" at 10,000,000 participants; page 1: 24-49 ms).
PAGED_OVER_CAP = 2_500


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
        if pins_one_coordinator(self.queryset):
            # Within one coordinator: STRPOS(...) = 1, "begins with" in a form no
            # registry-wide index serves, so the planner reads the coordinator's range of
            # participant_coord_cover, bounded by their own rows. With LIKE it took the
            # registry-wide pattern index whenever its statistics underrated the name
            # (at 10,000,000: 'rizki%' estimated at ~1,000 names, 92,634 in fact) and
            # read each holder's row to find the coordinator's 352: 345 ms.
            return self.queryset.alias(begins=StrIndex("name_key", Value(self.key))).filter(begins=1)
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
    queryset: QuerySet[Participant],
    *,
    matches_first: bool = False,
    subset: QuerySet[Participant] | None = None,
    cap: int | None = None,
) -> RowCount:
    """Count for the list's pager: exact up to ``cap`` (COUNT_CAP unless given); beyond
    it the planner's estimate for the whole table (unfiltered), else "more than ``cap``".

    ``matches_first`` (a name search the trigram index serves, ``searches_by_trigram``)
    counts through a fence on PostgreSQL: see ``_bounded_count``. ``subset``
    (``participants_search_subset``) is a subset of the matches counted first: when it
    alone has more than COUNT_CAP rows the b-tree says so in a few milliseconds, where
    the trigram index collects every match of a common name first (~0.2-0.4 s at
    10,000,000 rows) and a NIK prefix OR a KPJ read every match's row."""
    cap = COUNT_CAP if cap is None else cap
    if subset is not None:
        counted = _bounded_count(subset, cap + 1, fenced=False)
        if counted > cap:
            return RowCount(cap, exact=False, at_least=True)
        if _sql(subset) == _sql(queryset):  # the search is the subset (a NIK prefix, no KPJ)
            return RowCount(counted)
    bounded = _bounded_count(queryset, cap + 1, fenced=matches_first)
    if bounded <= cap:
        return RowCount(bounded)
    if not queryset.query.where and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [Participant._meta.db_table]
            )
            row = cursor.fetchone()
        estimate = int(row[0]) if row else 0
        if estimate > cap:
            return RowCount(estimate, exact=False)
    return RowCount(cap, exact=False, at_least=True)


def _sql(queryset: QuerySet[Participant]) -> tuple[str, tuple[Any, ...]]:
    """The SQL choosing ``queryset``'s rows (its filter), whatever columns it loads."""
    sql, params = queryset.order_by().values_list("pk").query.sql_with_params()
    return sql, tuple(params)


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
