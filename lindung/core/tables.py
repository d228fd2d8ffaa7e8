"""Server-side tables: search, column sorting, filters and 10/25/50/100 rows per page
(UI-3), driven by GET parameters so every state is a shareable, bookmarkable URL and the
page works without JavaScript."""

import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest, QueryDict
from django.utils.functional import Promise

PER_PAGE_CHOICES = (10, 25, 50, 100)


@dataclass(frozen=True)
class RowCount:
    """How many rows a list has. Counting a million rows exactly costs more than the
    page itself, so a big table may answer "about N" (planner estimate) or "more than N"
    (a bounded count); the pager then says so instead of pretending."""

    value: int
    exact: bool = True
    at_least: bool = False  # True: there are more than ``value`` rows


DEFAULT_PER_PAGE = 25


@dataclass
class Column:
    """A table column. ``sort`` is the ORM field it sorts by, or empty if not sortable."""

    key: str
    label: "str | Promise"
    sort: str = ""
    css: str = ""


@dataclass
class Table:
    request: HttpRequest
    columns: Sequence[Column]
    page: Page[Any]
    sort: str
    q: str
    per_page: int
    filters: Mapping[str, Any] = field(default_factory=dict)
    row_count: RowCount | None = None
    # A search with more matches than can be counted, paged within a window of this many
    # of its matches (``capped_window``); 0 when the pages are the ordered result itself.
    window: int = 0
    # The page asked for was past the last one, so the last one is shown instead.
    asked_past_last_page: int | None = None
    # The column a search with more matches than counted asked to sort by, which only a
    # narrower search offers (``sorts_over_cap``): the rows are in the default order.
    sort_refused: Column | None = None
    # A search with more matches than counted is paged through its first ``depth`` rows
    # only (``depth_over_cap``); 0 when every page the count offers can be opened.
    depth: int = 0

    def querystring(self, **changes: object) -> str:
        """The current query string with ``changes`` applied (None removes a key)."""
        params: QueryDict = self.request.GET.copy()
        for key, value in changes.items():
            if value is None or value == "":
                params.pop(key, None)
            else:
                params[key] = str(value)
        encoded = params.urlencode()
        return f"?{encoded}" if encoded else "?"

    def sort_state(self, column: Column) -> str:
        if not column.sort:
            return "none"
        if self.sort == column.key:
            return "ascending"
        if self.sort == f"-{column.key}":
            return "descending"
        return "none"

    def sort_url(self, column: Column) -> str:
        new = f"-{column.key}" if self.sort == column.key else column.key
        return self.querystring(sort=new, page=None)

    @property
    def per_page_choices(self) -> tuple[int, ...]:
        return PER_PAGE_CHOICES

    @property
    def active_filter_count(self) -> int:
        return sum(1 for v in self.filters.values() if v not in (None, "", False))

    @property
    def is_filtered(self) -> bool:
        return bool(self.q) or self.active_filter_count > 0


def parse_per_page(raw: str | None) -> int:
    try:
        value = int(raw or DEFAULT_PER_PAGE)
    except ValueError:
        return DEFAULT_PER_PAGE
    return value if value in PER_PAGE_CHOICES else DEFAULT_PER_PAGE


def build_table(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    columns: Sequence[Column],
    default_sort: str,
    search: Callable[[QuerySet[Any], str], QuerySet[Any]] | None = None,
    filters: Mapping[str, Any] | None = None,
    tiebreak: str = "pk",
    count: Callable[[QuerySet[Any]], RowCount] | None = None,
    load_page_by_id: bool = False,
    matches_first_below: int = 0,
    capped_window: "Callable[[str, int, int], tuple[list[Any], int] | None] | None" = None,
    sorts_over_cap: Collection[str] | None = None,
    depth_over_cap: int = 0,
) -> Table:
    """Apply search, sort and pagination to an already-scoped, already-filtered queryset.

    Unknown sort keys fall back to the default instead of erroring: a stale bookmark
    still opens. A stable ``tiebreak`` keeps page boundaries deterministic.

    ``load_page_by_id`` first reads the page's ids (the OFFSET walks only the sort
    index), then the rows with their joins for those ids alone: deep pages of a big
    table stay fast, at the price of one more query.

    ``matches_first_below`` (PostgreSQL, with ``load_page_by_id``): when a search has
    an exact count of at most this many rows, the page's ids are read from the matches
    first (a MATERIALIZED CTE, planned for all its rows, so the search's own index finds
    them and only they are sorted) instead of walking the sort index and filtering row
    by row, which reads most of the table when the matches sort far from its start.
    Many matches keep the walk: they are dense, so 25 of them come quickly.

    ``capped_window`` (with ``load_page_by_id``): when a search has more matches than
    ``count`` counts (``RowCount.at_least``), ``capped_window(sort, offset, limit)`` may
    read the page from a window of the matches (the page's pks and the window's size),
    or answer None to keep the walk. The walk along the sort index filters millions of
    rows when the matches sort together far from its start (a common given name at
    10,000,000 rows, BENCHMARKS.md). The table then says it lists only part of the
    matches (``window``).

    ``sorts_over_cap``: the sort keys a search with more matches than ``count`` counts
    may be sorted by (None: any). Another falls back to ``default_sort`` and the table
    names the refused column (``sort_refused``): sorting every match of a common name
    by a joined column reads each match's row (2.7-5 s at 10,000,000 rows, BENCHMARKS.md).

    ``depth_over_cap``: how many rows of a search with more matches than ``count`` counts
    can be paged through (0: all the count offers). A deep page of such a search walks
    the sort index past every earlier match: page 400 of a common surname read 10,000
    matches out of millions of rows (255 ms at 10,000,000, BENCHMARKS.md). A page asked
    past the depth shows the last one and the table says so (``asked_past_last_page``).
    """
    q = (request.GET.get("q") or "").strip()[:100]
    # The page's rows are loaded by id from the list before the search: the ids came from
    # the search already, and repeated beside them its condition misled the planner (a
    # NIK prefix estimated at 1 holder of 33,000: it scanned them all to find 25 ids,
    # 170 ms at 10,000,000 participants, where the primary key takes under 1 ms).
    unsearched = queryset
    if q and search is not None:
        queryset = search(queryset, q)
    sortable = {c.key: c.sort for c in columns if c.sort}
    sort = request.GET.get("sort") or default_sort
    if sort.lstrip("-") not in sortable:
        sort = default_sort
    row_count = count(queryset) if count is not None else None
    sort_refused = None
    over_cap = q and row_count is not None and row_count.at_least
    if over_cap and sorts_over_cap is not None and sort.lstrip("-") not in sorts_over_cap:
        sort_refused = next(c for c in columns if c.key == sort.lstrip("-"))
        sort = default_sort
    descending = sort.startswith("-")
    order_field = sortable[sort.lstrip("-")]
    queryset = queryset.order_by(
        f"-{order_field}" if descending else order_field, f"-{tiebreak}" if descending else tiebreak
    )
    per_page = parse_per_page(request.GET.get("per_page"))
    paginator = Paginator(queryset, per_page)
    depth = 0
    if row_count is not None:
        paginator.count = row_count.value
        if over_cap and 0 < depth_over_cap < row_count.value:
            depth = paginator.count = depth_over_cap
    asked_past_last_page = None
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
        asked = int(request.GET["page"])  # EmptyPage: a whole number, below 1 or past the end
        asked_past_last_page = asked if asked > page.number else None
    window = 0
    if load_page_by_id:
        ids = None
        if q and row_count is not None:
            ids, window = search_page_ids(
                queryset,
                row_count=row_count,
                offset=(page.number - 1) * per_page,
                limit=per_page,
                matches_first_below=matches_first_below,
                capped_window=functools.partial(capped_window, sort) if capped_window else None,
            )
        if ids is None:
            ids = list(page.object_list.values_list("pk", flat=True))  # type: ignore[attr-defined]
        rows = {row.pk: row for row in unsearched.order_by().filter(pk__in=ids)}
        page.object_list = [rows[pk] for pk in ids if pk in rows]
    if depth and window:
        # The window's notice names how many rows can be seen: the shallower of the two.
        window, depth = min(window, depth), 0
    return Table(
        request=request,
        columns=columns,
        page=page,
        sort=sort,
        q=q,
        per_page=per_page,
        filters=filters or {},
        row_count=row_count,
        window=window,
        asked_past_last_page=asked_past_last_page,
        sort_refused=sort_refused,
        depth=depth,
    )


def search_page_ids(
    queryset: QuerySet[Any],
    *,
    row_count: RowCount,
    offset: int,
    limit: int,
    matches_first_below: int = 0,
    capped_window: "Callable[[int, int], tuple[list[Any], int] | None] | None" = None,
) -> tuple[list[Any] | None, int]:
    """The pks of a page of a searched, ordered ``queryset`` read from its matches (see
    ``build_table``), and the window they were read within (0: none); ``None`` when the
    plain walk along the sort index is the plan."""
    if row_count.at_least and capped_window is not None:
        windowed = capped_window(offset, limit)
        if windowed is not None:
            return windowed
    if row_count.exact and row_count.value <= matches_first_below and connections[queryset.db].vendor == "postgresql":
        # No match: nothing to read (a 2-letter term has no trigram to find it by).
        return (matches_first_ids(queryset, offset, limit) if row_count.value else []), 0
    return None, 0


def matches_first_ids(queryset: QuerySet[Any], offset: int, limit: int) -> list[Any]:
    """The pks of ``queryset`` (ordered) from ``offset``, at most ``limit``, read through
    a MATERIALIZED CTE (PostgreSQL): the CTE is planned to return all its rows, so the
    planner fetches the matches by the filter's best index and sorts them, rather than
    walking the ordering's index until ``limit`` rows pass the filter. A materialized
    CTE's scan returns rows in the order its query produced them (its ORDER BY).

    When the order begins with a column of another table (a village's name), no index
    can walk it, so the CTE itself stops at the page's last row: PostgreSQL then keeps
    only that many rows while sorting (top-N) instead of sorting every match. For an
    order an index serves, a limit inside would bring back the walk the CTE avoids."""
    sql, params = queryset.values_list("pk", flat=True).query.sql_with_params()
    # The SQL is Django's own for the queryset; every value in it is a parameter.
    if _order_crosses_a_relation(queryset):
        wrapped = f"WITH matches AS MATERIALIZED ({sql} LIMIT %s) SELECT * FROM matches OFFSET %s"  # noqa: S608
        bounds = [offset + limit, offset]
    else:
        wrapped = f"WITH matches AS MATERIALIZED ({sql}) SELECT * FROM matches LIMIT %s OFFSET %s"  # noqa: S608
        bounds = [limit, offset]
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(wrapped, [*params, *bounds])
        return [row[0] for row in cursor.fetchall()]


def _order_crosses_a_relation(queryset: QuerySet[Any]) -> bool:
    order = queryset.query.order_by
    first = order[0] if order else None
    return isinstance(first, str) and LOOKUP_SEP in first.lstrip("-")
