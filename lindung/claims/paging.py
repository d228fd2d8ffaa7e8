"""Paging for the claims lists.

``BoundedPaginator`` stops counting at a bound: counting 120,000 matching people or
100,000 archived dossiers exactly costs more than the page itself, and nobody pages that
far; the page says "more than 10,000" instead.

``ClaimKeyset`` pages the work queue by key: a page continues after (or before) the
status time and id of the row at its edge, so page 200 reads 51 index entries like page
1, where OFFSET read and threw away 9,950 joined rows (0.9-1.7 s at 200,000 claims,
BENCHMARKS.md). The queue only ever offered "previous" and "next", so nothing is lost;
the cost is that a link names a row, not a page number (as GitHub's and Stripe's APIs do).
"""

import datetime
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from django.core.paginator import Paginator
from django.db.models import Model, Q, QuerySet

COUNT_LIMIT = 10_000

M = TypeVar("M", bound=Model)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class BoundedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        # COUNT(*) over a LIMITed subquery: the scan stops at the bound. Any rows will
        # do for a count, so the order is dropped: sorting 100,000 rows to count 10,001
        # of them was most of the archive's page.
        head: Any = self.object_list
        if isinstance(head, QuerySet):
            return int(head.order_by()[: COUNT_LIMIT + 1].count())
        return len(head[: COUNT_LIMIT + 1])

    @property
    def capped(self) -> bool:
        return self.count > COUNT_LIMIT


def cursor_of(moment: datetime.datetime, pk: int) -> str:
    """The URL form of a queue position: microseconds since 1970 (UTC) and the id."""
    delta = moment - EPOCH
    return f"{(delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds}_{pk}"


def parse_cursor(raw: str | None) -> tuple[datetime.datetime, int] | None:
    """The position in a cursor, or None for anything malformed (the first page then)."""
    head, _sep, tail = (raw or "").partition("_")
    try:
        micros, pk = int(head), int(tail)
        return EPOCH + datetime.timedelta(microseconds=micros), pk
    except (ValueError, OverflowError):
        return None


@dataclass
class KeysetPage(Generic[M]):
    rows: list[M]
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


def keyset_page(
    queryset: "QuerySet[M]", *, after: str | None = None, before: str | None = None, size: int = 50
) -> "KeysetPage[M]":
    """One page of ``queryset`` in (status_changed_at, id) order: the first page, the
    page after the position ``after`` or the one before ``before``. Each edge reads one
    row more than the page to know whether there is another page that way."""
    forward = parse_cursor(after)
    backward = parse_cursor(before) if forward is None else None
    if backward is not None:
        moment, pk = backward
        # ``>=``/``<=`` on the time alone is the index range; the OR only settles ties.
        older = queryset.filter(status_changed_at__lte=moment).filter(Q(status_changed_at__lt=moment) | Q(pk__lt=pk))
        rows = list(older.order_by("-status_changed_at", "-id")[: size + 1])
        if len(rows) <= size:
            # Back at the start: the first page itself, full, with no "previous".
            return keyset_page(queryset, size=size)
        rows = rows[:size][::-1]
        return KeysetPage(rows, _edge(rows, -1), _edge(rows, 0))
    if forward is not None:
        moment, pk = forward
        queryset = queryset.filter(status_changed_at__gte=moment).filter(Q(status_changed_at__gt=moment) | Q(pk__gt=pk))
    rows = list(queryset.order_by("status_changed_at", "id")[: size + 1])
    more_after = len(rows) > size
    rows = rows[:size]
    # After a position there are rows before this page (the one at the position at
    # least; if it has gone since, "previous" finds fewer and shows the first page).
    # Past the end (the rows after it have gone), "previous" goes back from there.
    previous = (_edge(rows, 0) or after) if forward else None
    return KeysetPage(rows, _edge(rows, -1) if more_after else None, previous)


def _edge(rows: list[Any], index: int) -> str | None:
    return cursor_of(rows[index].status_changed_at, rows[index].pk) if rows else None
