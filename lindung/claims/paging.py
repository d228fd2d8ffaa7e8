"""A paginator that stops counting at a bound: counting 120,000 matching people or
100,000 archived dossiers exactly costs more than the page itself, and nobody pages that
far; the page says "more than 10,000" instead."""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

COUNT_LIMIT = 10_000


class BoundedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        # COUNT(*) over a LIMITed subquery: the scan stops at the bound.
        head: Any = self.object_list[: COUNT_LIMIT + 1]
        return int(head.count()) if isinstance(head, QuerySet) else len(head)

    @property
    def capped(self) -> bool:
        return self.count > COUNT_LIMIT
