"""Reads: pages and their versions, service points nearest first."""

import heapq
import math
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Avg, Count, FloatField, Max, QuerySet
from django.db.models.functions import Cast

from lindung.core import access
from lindung.regions.models import Region

from .models import InfoPage, InfoPageVersion, ServicePoint

EARTH_KM = 6371.0088


def page_list() -> QuerySet[InfoPage]:
    return InfoPage.objects.order_by("position", "slug")


def page_get(slug: str) -> InfoPage:
    return access.get_or_404(access.ANONYMOUS, InfoPage.objects.all(), slug=slug)


def page_versions(page: InfoPage) -> QuerySet[InfoPageVersion]:
    return page.versions.select_related("saved_by").order_by("-number")


@dataclass(frozen=True)
class Nearby:
    point: ServicePoint
    km: float


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): close enough for 'which is nearest'."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(min(1.0, a)))


def _coordinates() -> list[tuple[int, float, float, str]]:
    """Every active point's position, cached under a stamp of the table (row count and
    last change), so each web process sees a write at once without being told."""
    stamp = ServicePoint.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    last = stamp["last"].timestamp() if stamp["last"] else 0
    key = f"info:points:{stamp['n']}:{last}"
    rows = cache.get(key)
    if rows is None:
        # Cast in SQL: 20,000 Decimals made in Python cost more than the query.
        rows = list(
            ServicePoint.objects.filter(active=True).values_list(
                "pk", Cast("latitude", FloatField()), Cast("longitude", FloatField()), "kind"
            )
        )
        cache.set(key, rows, 3600)
    return rows


def points_nearest(lat: float, lon: float, kind: str = "", limit: int = 20) -> list[Nearby]:
    """The ``limit`` active points nearest to (lat, lon), nearest first."""
    cos_lat = math.cos(math.radians(lat))
    rows = [row for row in _coordinates() if not kind or row[3] == kind]
    # Rank by a flat-earth squared distance (cheap, the same order at these scales);
    # heapq keeps only the few shown instead of sorting everything.
    nearest = heapq.nsmallest(limit, rows, key=lambda r: (r[1] - lat) ** 2 + ((r[2] - lon) * cos_lat) ** 2)
    points = ServicePoint.objects.filter(active=True).select_related("village").in_bulk([r[0] for r in nearest])
    return [Nearby(points[r[0]], distance_km(lat, lon, r[1], r[2])) for r in nearest if r[0] in points]


def village_position(village: Region) -> tuple[float, float] | None:
    """Where a village is, for lack of a gazetteer: the middle of the service points in
    it, else in its district, else in its regency."""
    for prefix in (village.code, village.code.rsplit(".", 1)[0], village.code.rsplit(".", 2)[0]):
        middle = ServicePoint.objects.filter(active=True, village__code__startswith=prefix).aggregate(
            lat=Avg("latitude"), lon=Avg("longitude")
        )
        if middle["lat"] is not None:
            return float(Decimal(middle["lat"])), float(Decimal(middle["lon"]))
    return None


def villages_named(name: str, limit: int = 20) -> list[Region]:
    return list(
        Region.objects.filter(level=4, name__icontains=name.strip()).select_related("parent").order_by("name")[:limit]
    )
