"""Participant search across name frequency, for an administrator and a coordinator.

    DATABASE_URL=... .venv/bin/python -m bench.search [--runs 10] [--warmup 2] [--no-write]
        [--terms joko,santoso] [--sort -name] [--page 400]

The terms come from the database itself: the most common given names, one of median
frequency, a rare one, a single letter, and NIK prefixes of 2 to 12 digits. Each search
renders the participant list view (count, first page, template) with a
RequestFactory request, in a READ ONLY transaction: nothing is written to the database
measured (no session, no sign-in record). Middleware is left out, so the figures are
the view's own time. Results replace the search section of BENCHMARKS.md.
"""

import argparse
import math
import sys
import time
from collections.abc import Sequence
from typing import Any

from .django_setup import setup

BUDGET_MS = 150.0
SECTION = "search"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    parser.add_argument("--terms", default="", help="comma-separated terms, not the sampled ones (implies --no-write)")
    parser.add_argument("--sort", default="", help="the list's sort parameter (default: the list's own)")
    parser.add_argument("--page", type=int, default=1)
    args = parser.parse_args(argv)
    if args.terms:
        args.no_write = True  # not the standard sample: keep it out of BENCHMARKS.md's table
    return args


def pick_terms() -> list[tuple[str, str]]:
    """(label, term) pairs, from the given names as the database holds them."""
    from django.db import connection

    from lindung.participants.models import Participant

    table = Participant._meta.db_table
    with connection.cursor() as cursor:
        # A 2 % row sample (BERNOULLI: rows, not blocks, which the generator fills in runs).
        cursor.execute(
            f"SELECT split_part(name_key, ' ', 1) AS given, count(*) FROM {table} TABLESAMPLE BERNOULLI (2) "
            "GROUP BY 1 ORDER BY 2 DESC"
        )
        ranked = [row for row in cursor.fetchall() if row[0]]
        cursor.execute(f"SELECT nik FROM {table} ORDER BY id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM {table})")
        nik = cursor.fetchone()[0]
    terms = [(f"most common given name #{i + 1}", ranked[i][0]) for i in range(3)]
    terms += [("named in the security review", "siti"), ("named in the security review", "ahmad")]
    terms.append(("median given name", ranked[len(ranked) // 2][0]))
    terms.append(("rare given name", ranked[-1][0]))
    terms.append(("one letter", "a"))
    terms += [(f"NIK prefix, {n} digits", nik[:n]) for n in (2, 4, 5, 6, 8, 10, 12)]
    return terms


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def measure(
    user: Any, term: str, runs: int, warmup: int, extra: dict[str, Any] | None = None
) -> tuple[list[float], int]:
    from django.test import RequestFactory

    from lindung.participants.views import participant_list

    factory = RequestFactory()
    times: list[float] = []
    status = 0
    for i in range(warmup + runs):
        request = factory.get("/participants/", {"q": term, **(extra or {})})
        request.user = user
        request.session = {}  # type: ignore[assignment]
        started = time.perf_counter()
        response = participant_list(request)
        elapsed = (time.perf_counter() - started) * 1000
        status = response.status_code
        if i >= warmup:
            times.append(elapsed)
    return times, status


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    from django.db import connection, transaction

    from lindung.accounts.models import User
    from lindung.participants.models import Participant

    from .generate import ADMIN_USERNAME
    from .pages import pick_subjects

    rows: list[str] = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET TRANSACTION READ ONLY")
        subjects = pick_subjects()
        users = {"admin": User.objects.get(username=ADMIN_USERNAME), "coordinator": subjects["coordinator"]}
        total = Participant.objects.count()
        terms = [("chosen term", t) for t in args.terms.split(",")] if args.terms else pick_terms()
        extra = {k: v for k, v in (("sort", args.sort), ("page", args.page if args.page > 1 else "")) if v}
        for label, term in terms:
            for role, user in users.items():
                times, status = measure(user, term, args.runs, args.warmup, extra)
                p50, p95 = pct(times, 50), pct(times, 95)
                flag = "" if p95 <= BUDGET_MS else " **over**"
                line = f"| {label} | `{term}` | {role} | {status} | {p50:.0f} | {p95:.0f}{flag} |"
                print(line, flush=True)
                rows.append(line)
    section = "\n".join(
        [
            f"<!-- bench:{SECTION}:start -->",
            "## Participant search across name frequency",
            "",
            f"{total:,} participants; {args.runs} runs after {args.warmup} warm-up per case; the list view rendered",
            "in-process in a read-only transaction (no middleware). Budget: p95 at most 150 ms.",
            "",
            "Reproduce: `DATABASE_URL=... .venv/bin/python -m bench.search`.",
            "",
            "| case | term | user | status | p50 ms | p95 ms |",
            "|---|---|---|---:|---:|---:|",
            *rows,
            f"<!-- bench:{SECTION}:end -->",
        ]
    )
    if not args.no_write:
        _write(section)
    return 0


def _write(section: str, path: str = "BENCHMARKS.md") -> None:
    """Replace this benchmark's marked section, or add it at the end."""
    start, end = f"<!-- bench:{SECTION}:start -->", f"<!-- bench:{SECTION}:end -->"
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n" + section + "\n"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
