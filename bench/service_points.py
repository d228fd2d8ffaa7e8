"""Service points nearest first, over 10,000 points (SELF-4: under 150 ms).

    DATABASE_URL=postgres://.../lindung_h11b .venv/bin/python -m bench.service_points [--runs 30] [--no-write]

Never point it at lindung_bench: it adds 10,000 service points (references "bench-...",
reused on later runs) to the database it is given. Measured in one session:

- baseline: what one writes first, every active point read from the database as model
  rows and sorted in Python by the great-circle distance;
- the code path (``info.selectors.points_nearest``) with the coordinate list cached under
  the table's stamp: cold (first search after a change) and warm;
- the whole public page (the ``points`` view, template included) from a position and from
  a village typed by name, warm.

Medians and 95th percentiles in milliseconds; ratios against the baseline. The section of
BENCHMARKS.md between the service_points markers is replaced.
"""

import argparse
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from decimal import Decimal

from .django_setup import setup

SECTION = "service_points"
POINTS = 10_000
BUDGET_MS = 150.0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.service_points", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    return parser.parse_args(argv)


def ensure_points() -> int:
    """10,000 points spread over Sumatra and Java (a fixed seed: the same every run)."""
    from lindung.core.tests.factories import bengkalis_village
    from lindung.info.models import PointKind, ServicePoint

    village = bengkalis_village()  # the village the page is asked for by name
    have = ServicePoint.objects.filter(code__startswith="bench-").count()
    if have < POINTS:
        rng = random.Random(11)
        kinds = list(PointKind.values)
        ServicePoint.objects.bulk_create(
            [
                ServicePoint(
                    code=f"bench-{i}",
                    name=f"Titik layanan {i}",
                    kind=kinds[i % len(kinds)],
                    address=f"Jl. Contoh {i}",
                    opening_hours="Senin-Jumat 08.00-16.00",
                    village=village if i % 500 == 0 else None,
                    latitude=Decimal(f"{rng.uniform(-8.5, 5.5):.6f}"),
                    longitude=Decimal(f"{rng.uniform(95.0, 114.0):.6f}"),
                )
                for i in range(have, POINTS)
            ],
            batch_size=2000,
        )
    return ServicePoint.objects.filter(active=True).count()


def baseline(lat: float, lon: float) -> list[object]:
    from lindung.info.models import ServicePoint
    from lindung.info.selectors import distance_km

    points = list(ServicePoint.objects.filter(active=True).select_related("village"))
    points.sort(key=lambda p: distance_km(lat, lon, float(p.latitude), float(p.longitude)))
    return points[:20]


def timed(function: Callable[[], object], runs: int, before: Callable[[], None] | None = None) -> list[float]:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache
    from django.db import connection
    from django.test import RequestFactory

    from lindung.info.selectors import points_nearest
    from lindung.info.views import points

    if settings.DATABASES["default"]["NAME"] == "lindung_bench":
        print("refusing to add rows to lindung_bench", file=sys.stderr)
        return 2
    total = ensure_points()
    factory = RequestFactory()
    position = (1.47, 102.11)

    def page(params: dict[str, str]) -> Callable[[], object]:
        def render() -> object:
            request = factory.get("/info/service-points/", params)
            request.user = AnonymousUser()
            response = points(request)
            assert response.status_code == 200
            return response

        return render

    points_nearest(*position)  # warm imports and connections
    rows: list[tuple[str, list[float]]] = [
        ("baseline: all rows as models, sorted by distance", timed(lambda: baseline(*position), args.runs)),
        (
            "points_nearest, cold (cache emptied each run)",
            timed(lambda: points_nearest(*position), args.runs, cache.clear),
        ),
        ("points_nearest, warm", timed(lambda: points_nearest(*position), args.runs)),
        ("public page from a position, warm", timed(page({"lat": "1.47", "lon": "102.11"}), args.runs)),
        ("public page from a village name, warm", timed(page({"village": "Kelapapati"}), args.runs)),
    ]
    base = statistics.median(rows[0][1])
    lines = [
        f"<!-- bench:{SECTION}:start -->",
        "## Service points nearest first (issue 11, SELF-4)",
        "",
        f"{total:,} active service points on {connection.vendor} ({settings.DATABASES['default']['NAME']}), "
        f"{args.runs} runs each, one session, no middleware. Budget {BUDGET_MS:.0f} ms. Reproduce: "
        "`DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch db> .venv/bin/python -m bench.service_points`.",
        "",
        "| Path | Median ms | p95 ms | vs baseline |",
        "|---|---:|---:|---:|",
    ]
    for label, times in rows:
        median = statistics.median(times)
        lines.append(f"| {label} | {median:.1f} | {p95(times):.1f} | {median / base:.2f}x |")
    lines += [
        "",
        "The coordinate list (id, latitude, longitude, type) is cached under the table's stamp "
        "(row count and last change, one aggregate query), so a write is seen at once by every "
        "process; the 20 nearest are picked with a flat-earth key and `heapq.nsmallest`, and only "
        "those 20 are read as rows. A village has no coordinates of its own: its position is the "
        "middle of the points in it, else in its district or regency.",
        f"<!-- bench:{SECTION}:end -->",
    ]
    section = "\n".join(lines)
    print(section)
    over = [label for label, times in rows[1:] if p95(times) > BUDGET_MS and "cold" not in label]
    if not args.no_write:
        _write(section)
    return 1 if over else 0


def _write(section: str, path: str = "BENCHMARKS.md") -> None:
    start, end = f"<!-- bench:{SECTION}:start -->", f"<!-- bench:{SECTION}:end -->"
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
