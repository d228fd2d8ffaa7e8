"""Reads of community groups, always narrowed by core.scoping."""

from dataclasses import dataclass
from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from lindung.accounts.models import User
from lindung.communities.models import CommunityGroup
from lindung.core.scoping import get_scoped_or_404, scope_queryset
from lindung.regions.models import Level, Region


@dataclass(frozen=True)
class GroupFilters:
    group_type: str = ""
    district: Region | None = None
    village: Region | None = None
    coordinator: User | None = None


def _participant_count() -> Coalesce:
    # A correlated subquery rather than a JOIN + GROUP BY: the paginator's COUNT then drops
    # it, and only the rows on the page pay for it (unless the page is sorted by it).
    # Participants sit above communities: their model is reached through the reverse
    # relation ("participants"), never imported.
    participant_model = cast(type[Model], CommunityGroup._meta.get_field("participants").related_model)
    counts = (
        participant_model._default_manager.filter(community_group=OuterRef("pk"))
        .order_by()
        .values("community_group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def community_group_list(
    *, user: User | AnonymousUser, filters: GroupFilters | None = None
) -> QuerySet[CommunityGroup]:
    groups = scope_queryset(user, CommunityGroup.objects.all())
    filters = filters or GroupFilters()
    if filters.group_type:
        groups = groups.filter(group_type=filters.group_type)
    if filters.district is not None:
        groups = groups.filter(village__parent=filters.district)
    if filters.village is not None:
        groups = groups.filter(village=filters.village)
    if filters.coordinator is not None and getattr(user, "is_admin", False):
        groups = groups.filter(coordinator=filters.coordinator)
    return groups.select_related("village__parent", "coordinator").annotate(participant_count=_participant_count())


def community_group_search(groups: QuerySet[CommunityGroup], q: str) -> QuerySet[CommunityGroup]:
    return groups.filter(Q(name__icontains=q) | Q(leader_name__icontains=q))


def community_group_get_for_user(user: User | AnonymousUser, pk: int) -> CommunityGroup:
    """The group if the user may see it; 404 for missing and for another coordinator's."""
    groups = CommunityGroup.objects.select_related("village__parent", "coordinator", "created_by").annotate(
        participant_count=_participant_count()
    )
    return get_scoped_or_404(user, groups, pk=pk)


def group_districts_for_user(user: User | AnonymousUser) -> QuerySet[Region]:
    """Districts that hold at least one group the user can see: the list filter's choices."""
    villages = scope_queryset(user, CommunityGroup.objects.all()).values("village__parent_id")
    return Region.objects.filter(level=Level.DISTRICT, pk__in=villages).order_by("name")


def group_villages_for_user(user: User | AnonymousUser, district_code: str) -> QuerySet[Region]:
    villages = scope_queryset(user, CommunityGroup.objects.all()).values("village_id")
    return Region.objects.filter(level=Level.VILLAGE, parent_id=district_code, pk__in=villages).order_by("name")
