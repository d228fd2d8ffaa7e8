"""Region facts the dashboards read on every view (district names, how many districts and
villages), kept in the cache: 92,000 regions change a few times a year, while counting or
looking them up costs 20-40 ms a view at national scale. Any write to a region (a service,
the CSV import, the admin site) drops the cached copy, after commit."""

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count

from .models import Level, Region

KEY = "regions:facts:v1"
KEEP_SECONDS = 6 * 60 * 60


def _facts() -> dict[str, Any]:
    facts = cache.get(KEY)
    if facts is None:
        levels = Region.objects.order_by().values_list("level").annotate(n=Count("code"))
        facts = {
            "counts": {int(level): n for level, n in levels},
            "district_names": dict(Region.objects.filter(level=Level.DISTRICT).values_list("code", "name")),
        }
        cache.set(KEY, facts, KEEP_SECONDS)
    return facts


def level_counts() -> dict[int, int]:
    return dict(_facts()["counts"])


def district_names(codes: Iterable[str]) -> dict[str, str]:
    names = _facts()["district_names"]
    return {code: names[code] for code in codes if code in names}


def forget() -> None:
    transaction.on_commit(lambda: cache.delete(KEY))
