from collections.abc import Callable
from typing import Any

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from lindung.core.tables import RowCount


class StandardPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    # Only a page past the last one is "not found" (documented by schema_hooks); a page
    # number that cannot exist (0, -1, "x") is the client's mistake, answered 400.
    invalid_page_message = _("No such page: the list has fewer pages.")  # type: ignore[assignment]  # lazy, as DRF's own

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings:
            return paginator.num_pages
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError({self.page_query_param: [_("A page number is a whole number from 1.")]})
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
        return parameters


class CountedPagination(StandardPagination):
    """Standard pages, or (``paginate_counted``) pages of a list whose count the caller
    has already taken (``RowCount``: exact, about, or more than) and whose page may be
    read from a search's matches by their pks (core/tables.py, ``search_page_ids``). The
    answer says how exact ``count`` is and whether the pages cover only a window of the
    matches (``count_is`` and ``window``)."""

    row_count: RowCount
    window: int
    ordering_refused: str | None = None
    depth: int = 0

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        page = super().paginate_queryset(queryset, request, view)
        self.row_count = RowCount(self.page.paginator.count if self.page is not None else 0)
        self.window = 0
        self.ordering_refused = None
        self.depth = 0
        return page

    def paginate_counted(
        self,
        queryset: QuerySet[Any],
        request: Request,
        *,
        row_count: RowCount,
        page_ids: Callable[[int, int], tuple[list[Any] | None, int]],
        ordering_refused: str | None = None,
        depth: int = 0,
        rows_from: QuerySet[Any] | None = None,
    ) -> list[Any]:
        """``depth``: how many rows of more matches than counted can be paged through
        (core/tables.py ``build_table``'s ``depth_over_cap``); a page past them is not found.
        ``rows_from``: the list before its search, to load the page's rows by id from (as
        ``build_table`` does: the search's condition beside the ids misleads the planner)."""
        self.row_count = row_count
        self.window = 0
        self.ordering_refused = ordering_refused
        self.depth = depth if row_count.at_least and 0 < depth < row_count.value else 0
        paginator = self.django_paginator_class(queryset, self.get_page_size(request) or self.page_size)
        paginator.count = self.depth or row_count.value
        try:
            self.page = paginator.page(self.get_page_number(request, paginator))
        except InvalidPage as exc:
            raise NotFound(self.invalid_page_message) from exc
        self.request = request
        ids, self.window = page_ids((self.page.number - 1) * paginator.per_page, paginator.per_page)
        if ids is None:
            return list(self.page)
        source = queryset if rows_from is None else rows_from
        rows = {row.pk: row for row in source.order_by().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["count"] = self.row_count.value  # the paginator's count may be the depth
        if self.depth:
            response.data["pages_reach"] = self.depth
        if self.row_count.at_least:
            response.data["count_is"] = "more_than"
        else:
            response.data["count_is"] = "exact" if self.row_count.exact else "about"
        response.data["window"] = bool(self.window)
        if self.ordering_refused:
            response.data["ordering_refused"] = self.ordering_refused
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        answer = super().get_paginated_response_schema(schema)
        answer["required"] = [*answer.get("required", []), "count_is", "window"]
        answer["properties"]["count_is"] = {
            "type": "string",
            "enum": ["exact", "about", "more_than"],
            "description": "How `count` was taken: `exact`; `about`, the database's estimate; or "
            "`more_than`, a lower bound, when more rows match than are counted (10,000): the pages then "
            "reach only `count` rows, or `pages_reach` when present.",
        }
        answer["properties"]["pages_reach"] = {
            "type": "integer",
            "description": "Present when a search has more matches than are counted (`count_is` `more_than`): "
            "how many of them the pages reach (2,500); a page past them is not found. Each deeper page "
            "walks past every earlier match. Narrow the search to reach the others.",
        }
        answer["properties"]["window"] = {
            "type": "boolean",
            "description": "True when the pages hold a window of the matches rather than the first `count` "
            "in `ordering`: a name search ordered by name, when more than 10,000 names begin with `q`, "
            "lists the first 10,000 of those (folded name, then date of birth); names containing `q` "
            "further on are left out. Narrow the search (more of the name, a NIK, a filter) to see others.",
        }
        answer["properties"]["ordering_refused"] = {
            "type": "string",
            "description": "Present when a name search has more matches than are counted (`count_is` "
            "`more_than`) and asked for an `ordering` other than by name: the ordering asked for, which "
            "was not applied; the pages are ordered by `full_name`. Sorting every match of a common "
            "name otherwise takes seconds. Narrow the search to 10,000 matches or fewer to order it so.",
        }
        return answer
