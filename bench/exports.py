"""Time a ~10,000-row participant export in CSV, Excel and PDF, beside a plain
``csv.writer`` over ``values_list`` of the same rows (the floor: query plus bytes).

    DATABASE_URL=... .venv/bin/python -m bench.exports [--runs 3] [--rows 10000] [--no-write]

The exports run through lindung.reports' service exactly as the background job does
(count, scoped queryset, chunked iterator, writer into a temporary file), signed in as
bench_admin and filtered on the coordinator whose row count is nearest ``--rows``. One
more run per format under tracemalloc gives Python's peak memory. Results replace the
exports section of BENCHMARKS.md.
"""

import argparse
import csv
import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any

from .django_setup import setup

START, END = "<!-- bench:exports:start -->", "<!-- bench:exports:end -->"
FORMATS = ("csv", "xlsx", "pdf")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.exports", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    return parser.parse_args(argv)


def pick_coordinator(rows: int) -> tuple[Any, int]:
    from django.db.models import Count, F, Func

    from lindung.participants.models import Participant

    best = (
        Participant.objects.filter(coordinator__isnull=False)
        .values("coordinator")
        .annotate(n=Count("id"))
        .annotate(distance=Func(F("n") - rows, function="ABS"))
        .order_by("distance")
        .first()
    )
    if best is None:
        sys.exit("No participants with a coordinator; run `python -m bench.generate` first.")
    return best["coordinator"], best["n"]


def timed(work: Callable[[Any], int], runs: int) -> tuple[list[float], int, int]:
    """Seconds per run, rows and bytes of the last run."""
    times, rows, size = [], 0, 0
    for _ in range(runs):
        with tempfile.TemporaryFile() as out:
            start = time.perf_counter()
            rows = work(out)
            times.append(time.perf_counter() - start)
            size = out.tell()
    return times, rows, size


def peak_mib(work: Callable[[Any], int]) -> float:
    with tempfile.TemporaryFile() as out:
        tracemalloc.start()
        work(out)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / 2**20


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    import django
    from django.conf import settings
    from django.db import connection
    from django.http import QueryDict

    from lindung.accounts.models import User
    from lindung.participants.models import Participant
    from lindung.reports.exports.participants import PARTICIPANTS
    from lindung.reports.exports.service import export_count, export_write

    from .generate import ADMIN_USERNAME

    admin = User.objects.get(username=ADMIN_USERNAME)
    coordinator_id, expected = pick_coordinator(args.rows)
    params = QueryDict(f"coordinator={coordinator_id}")

    def export(fmt: str) -> Callable[[Any], int]:
        def run(out: Any) -> int:
            total = export_count(PARTICIPANTS, admin, params)
            return export_write(spec=PARTICIPANTS, user=admin, params=params, fmt=fmt, out=out, total=total)

        return run

    def baseline(out: Any) -> int:
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        fields = ["nik", "full_name", "membership_number", "sex", "birth_date", "phone", "village__name"]
        fields += ["district__name", "community_group__name", "coordinator__username", "category", "status"]
        fields += ["registration_date"]
        writer = csv.writer(text)
        rows = PARTICIPANTS.queryset(admin, params).values_list(*fields)
        n = 0
        for row in rows.iterator(chunk_size=2000):
            writer.writerow(row)
            n += 1
        text.flush()
        text.detach()
        return n

    jobs: list[tuple[str, Callable[[Any], int]]] = [("baseline", baseline)] + [(f, export(f)) for f in FORMATS]
    for _name, work in jobs:  # warm-up: imports, fonts, the database's cache
        with tempfile.TemporaryFile() as out:
            work(out)
    results: dict[str, dict[str, Any]] = {}
    for name, work in jobs:
        times, rows, size = timed(work, args.runs)
        results[name] = {"times": times, "rows": rows, "size": size, "peak": peak_mib(work)}
        print(f"{name}: median {statistics.median(times):.2f} s over {times}, {rows} rows, {size:,} bytes", flush=True)

    database = connection.vendor
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    base = statistics.median(results["baseline"]["times"])
    labels = {"baseline": "baseline: `csv.writer` over `values_list`", "csv": "CSV", "xlsx": "Excel", "pdf": "PDF"}
    lines = [
        "## Participant exports: CSV, Excel, PDF",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores, "
        f"Django {django.get_version()}; {database}; {Participant.objects.count():,} participants. "
        f"Export of one coordinator's {expected:,} participants, as bench_admin with the filter "
        f"`coordinator=…`; median of {args.runs} runs after a warm-up, through the same service the background "
        "job runs (count, scoped queryset, `.iterator(chunk_size=2000)`, writer into a temporary file). "
        "Peak is Python's own allocations (tracemalloc, one more run). Load average "
        + " / ".join(f"{x:.1f}" for x in os.getloadavg())
        + " at the end.",
        "",
        f"Reproduce: `DATABASE_URL=... .venv/bin/python -m bench.exports --runs {args.runs}`.",
        "",
        "| export | rows | median s | runs s | rows/s | file | Python peak MiB | × baseline |",
        "|---|---:|---:|---|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        median = statistics.median(r["times"])
        lines.append(
            f"| {labels[name]} | {r['rows']:,} | {median:.2f} | {', '.join(f'{t:.2f}' for t in r['times'])} | "
            f"{r['rows'] / median:,.0f} | {r['size'] / 2**20:.1f} MiB | {r['peak']:.1f} | {median / base:.1f} |"
        )
    section = "\n".join(lines) + "\n"
    print(section)
    if not args.no_write:
        write_section(str(settings.BASE_DIR / "BENCHMARKS.md"), section)
    return 0


def write_section(path: str, section: str) -> None:
    """Replace only our marked section; other benchmarks own the rest of the file."""
    block = f"{START}\n{section}{END}\n"
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    sys.exit(main())
