"""The phone sort select: every sortable column both ways, search and filters kept, page reset."""

from django.core.paginator import Paginator
from django.test import RequestFactory

from lindung.core.tables import Column, Table
from lindung.core.templatetags.table_ui import kept_params, sort_options


def _table(query: str, sort: str = "name") -> Table:
    request = RequestFactory().get(f"/x/?{query}")
    columns = [Column("name", "Name", "full_name"), Column("phone", "Phone", ""), Column("village", "Village", "v")]
    return Table(request, columns, Paginator([], 10).get_page(1), sort=sort, q="", per_page=25)


def test_offers_sortable_columns_both_ways_only():
    values = [value for value, _label in sort_options(_table(""))]
    assert values == ["name", "-name", "village", "-village"]


def test_keeps_search_and_filters_but_not_the_page_or_old_sort():
    kept = kept_params(_table("q=ahmad&status=active&page=3&sort=-village&per_page=50"))
    assert sorted(kept) == [("per_page", "50"), ("q", "ahmad"), ("status", "active")]
