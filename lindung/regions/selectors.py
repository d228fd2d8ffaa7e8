"""Reads of the region tree.

Regions are shared reference data, not owned by a coordinator: every signed-in user may
read them, so these selectors do not go through core.scoping (Region has no SCOPE_FIELD).
Who may *edit* them is decided in the views (admins only) and services.
"""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from .codes import level_of
from .models import Level, Region


def region_get(code: str) -> Region:
    return get_object_or_404(Region.objects.select_related("parent"), code=code)


def province_list() -> QuerySet[Region]:
    return Region.objects.filter(level=Level.PROVINCE).order_by("code")


def regency_list(*, province_code: str | None = None) -> QuerySet[Region]:
    qs = Region.objects.filter(level=Level.REGENCY)
    if province_code is not None:
        qs = qs.filter(parent_id=province_code)
    return qs.order_by("code")


def district_list(*, regency_code: str | None = None) -> QuerySet[Region]:
    """Districts, of one regency if given (the parent index makes that a range scan)."""
    qs = Region.objects.filter(level=Level.DISTRICT)
    if regency_code is not None:
        qs = qs.filter(parent_id=regency_code)
    return qs.order_by("name", "code")


def village_list(*, district_code: str) -> QuerySet[Region]:
    """Villages of one district, by name: served by the (parent, name) index."""
    return Region.objects.filter(parent_id=district_code, level=Level.VILLAGE).order_by("name", "code")


def region_search(*, query: str, level: int | None = None) -> QuerySet[Region]:
    """By code prefix when the query looks like a code, otherwise by part of the name."""
    qs = Region.objects.all()
    if level is not None:
        qs = qs.filter(level=level)
    return region_filter_search(qs, query)


def region_filter_search(qs: QuerySet[Region], query: str) -> QuerySet[Region]:
    query = query.strip()
    if not query:
        return qs
    if query[0].isdigit():
        return qs.filter(Q(code__startswith=query) | Q(name__icontains=query))
    return qs.filter(name__icontains=query)


def region_table_queryset(*, level: int | None = None, within: str | None = None) -> QuerySet[Region]:
    """Rows of the admin list: parent joined, children counted by a correlated subquery.

    A subquery rather than ``Count("children")``: with GROUP BY the database aggregates the
    whole tree before it can cut one page; the subquery runs only for the rows shown.
    """
    children = (
        Region.objects.filter(parent=OuterRef("pk")).order_by().values("parent").annotate(n=Count("*")).values("n")
    )
    qs = Region.objects.select_related("parent").annotate(
        child_count=Coalesce(Subquery(children, output_field=IntegerField()), 0)
    )
    if level is not None:
        qs = qs.filter(level=level)
    if within and level_of(within) is not None:
        qs = qs.filter(code__startswith=f"{within}.")
    return qs
