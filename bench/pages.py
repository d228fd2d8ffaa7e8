"""Time the participant list, search and detail pages, beside Django admin's changelist.

    .venv/bin/python -m bench.pages [--runs 30] [--warmup 3] [--explain] [--no-write]

Requests go in-process through django.test.Client with the real middleware, sessions and
templates and DEBUG off; only the network and the WSGI server are missing, so the
figures are server time. Each page is requested ``--warmup`` times, then ``--runs``
times; three more requests per page count its queries and their database time. Results
replace the participants section of BENCHMARKS.md.
"""

import argparse
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .django_setup import setup

BUDGET_MS = 150.0
COMMON_SURNAME = "Santoso"  # the most frequent surname bench.generate writes
ADMIN_CHANGELIST = "/django-admin/participants/participant/"


@dataclass
class Scenario:
    key: str
    label: str
    user: str  # "admin", "coordinator" or "superuser" (Django admin)
    url: str
    baseline_of: str = ""  # for a baseline: the scenario key it is compared with
    expect: str = ""  # text the page's SQL must contain, so an ignored filter is not timed as one


@dataclass
class Result:
    scenario: Scenario
    status: int
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # this process only: rendering, ORM, middleware
    queries: int = 0
    sql_ms: float = 0.0
    captured: list[dict[str, str]] = field(default_factory=list)
    applied: bool = True

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.times_ms)

    def pct(self, p: float) -> float:
        """Nearest-rank percentile: the value at least p % of the runs were at or under."""
        ordered = sorted(self.times_ms)
        return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.times_ms)

    @property
    def cpu_p50(self) -> float:
        return statistics.median(self.cpu_ms)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the participant queries")
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    parser.add_argument("--only", default="", help="comma-separated scenario keys to run")
    return parser.parse_args(argv)


# --- what to request -----------------------------------------------------------------


def pick_subjects() -> dict[str, Any]:
    """The users and sample rows the URLs are built from. The coordinator is the one
    with the most participants: their pages are the slowest a coordinator sees."""
    from django.db.models import Count

    from lindung.accounts.models import User
    from lindung.participants.models import Participant

    from .generate import ADMIN_USERNAME

    admin = User.objects.get(username=ADMIN_USERNAME)
    busiest = (
        Participant.objects.filter(coordinator__isnull=False)
        .values("coordinator")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        sys.exit("No participants with a coordinator; run `python -m bench.generate` first.")
    coordinator = User.objects.get(pk=busiest["coordinator"])
    last_pk = Participant.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    sample_admin = Participant.objects.filter(pk__gte=last_pk // 2).order_by("pk").first()
    own = Participant.objects.filter(coordinator=coordinator)
    sample_coord = own.filter(pk__gte=last_pk // 3).order_by("pk").first() or own.order_by("pk").first()
    # The admin's district filter offers the districts of their home regency only (at
    # national scale), so the district measured is one of those when they have a home.
    home = admin.district_id[:5] + "." if admin.district_id else ""
    admin_district = (
        Participant.objects.filter(district__code__startswith=home).values_list("district_id", flat=True).first()
        if home
        else None
    )
    return {
        "admin": admin,
        "coordinator": coordinator,
        "coordinator_rows": busiest["n"],
        "sample": {"admin": sample_admin, "coordinator": sample_coord},
        "district": {"admin": admin_district or sample_admin.district_id, "coordinator": sample_coord.district_id},
    }


def scenarios(subjects: dict[str, Any]) -> list[Scenario]:
    name = COMMON_SURNAME.lower()
    out: list[Scenario] = []
    for role in ("admin", "coordinator"):
        sample, district = subjects["sample"][role], subjects["district"][role]
        nik = sample.nik
        out += [
            Scenario(f"list_{role}", "list, default sort (name)", role, "/participants/"),
            Scenario(
                f"sorted_{role}",
                "list sorted by registration date, newest first",
                role,
                "/participants/?sort=-registered",
                expect='"registration_date" DESC',
            ),
            Scenario(f"name_{role}", f"search name `{name}`", role, f"/participants/?q={name}", expect=name),
            Scenario(
                f"nikprefix_{role}", "search NIK prefix (8 digits)", role, f"/participants/?q={nik[:8]}", expect=nik[:8]
            ),
            Scenario(f"nik_{role}", "search exact NIK", role, f"/participants/?q={nik}", expect=nik),
            Scenario(
                f"district_{role}", "filter by district", role, f"/participants/?district={district}", expect=district
            ),
            Scenario(f"page500_{role}", "list page 500", role, "/participants/?page=500", expect="OFFSET 12475"),
            Scenario(f"detail_{role}", "detail page", role, f"/participants/{sample.pk}/"),
        ]
    nik, pk = subjects["sample"]["admin"].nik, subjects["sample"]["admin"].pk
    changelist = ADMIN_CHANGELIST
    out += [
        Scenario("admin_plain", "Django admin changelist", "superuser", changelist, "list_admin"),
        Scenario("admin_name", f"Django admin search `{name}`", "superuser", f"{changelist}?q={name}", "name_admin"),
        Scenario("admin_nik", "Django admin search exact NIK", "superuser", f"{changelist}?q={nik}", "nik_admin"),
        Scenario("admin_detail", "Django admin change page", "superuser", f"{changelist}{pk}/change/", "detail_admin"),
    ]
    return out


# --- measuring -----------------------------------------------------------------------


def measure(scenario: Scenario, client: Any, runs: int, warmup: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(scenario.url)
    result = Result(scenario, first.status_code)
    if first.status_code != 200:
        return result
    for _ in range(max(warmup - 1, 0)):
        client.get(scenario.url)
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(scenario.url)
        elapsed = (time.perf_counter() - started) * 1000
        result.cpu_ms.append((time.process_time() - cpu_started) * 1000)
        if response.status_code != 200:
            result.status = response.status_code
            return result
        result.times_ms.append(elapsed)
    sql_totals = []
    for _ in range(3):  # one sample of database time is too noisy on a shared machine
        with CaptureQueriesContext(connection) as ctx:
            client.get(scenario.url)
        sql_totals.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    result.captured = list(ctx.captured_queries)
    result.queries = len(result.captured)
    result.sql_ms = statistics.median(sql_totals)
    result.applied = not scenario.expect or any(scenario.expect in q["sql"] for q in result.captured)
    return result


def explain(result: Result) -> str:
    """EXPLAIN ANALYZE of every query of the page that reads the participants table."""
    from django.db import connection

    lines = [f"### {result.scenario.key}: {result.scenario.url}"]
    for query in result.captured:
        sql = query["sql"]
        if "participants_participant" not in sql or not sql.lstrip().upper().startswith("SELECT"):
            continue
        lines.append(f"-- {float(query['time']) * 1000:.1f} ms\n{sql}")
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            lines += ["    " + " | ".join(str(c) for c in row) for row in cursor.fetchall()]
    return "\n".join(lines)


def clients(subjects: dict[str, Any]) -> dict[str, Any]:
    from django.test import Client

    made = {}
    for role, user in (("admin", subjects["admin"]), ("coordinator", subjects["coordinator"])):
        # A view that raises answers 500 and is reported, instead of ending the run.
        client = Client(raise_request_exception=False)
        client.force_login(user)
        made[role] = client
    made["superuser"] = made["admin"]  # bench_admin is also a superuser
    return made


# --- reporting -----------------------------------------------------------------------


def machine_info(subjects: dict[str, Any]) -> dict[str, str]:
    import django
    from django.db import connection

    from lindung.accounts.models import User
    from lindung.participants.models import Participant
    from lindung.regions.models import Region

    cpu = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    except OSError:
        cpu = platform.processor()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        database = connection.vendor
    return {
        "load": " / ".join(f"{x:.1f}" for x in os.getloadavg()) + " (1/5/15 min, at the end of the run)",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, Django {django.get_version()}",
        "database": database,
        "rows": (
            f"{Participant.objects.count():,} participants, {Region.objects.count():,} regions, "
            f"{User.objects.count():,} users; the coordinator measured has "
            f"{subjects['coordinator_rows']:,} participants"
        ),
    }


def render_section(results: list[Result], info: dict[str, str], runs: int) -> str:
    by_key = {r.scenario.key: r for r in results}
    lines = [
        "## Participant registry pages: list, search, detail",
        "",
        f"Measured {info['date']} on {info['machine']}; {info['database']}; {info['rows']}.",
        "",
        f"Reproduce: `DATABASE_URL=... .venv/bin/python -m bench.generate --participants 1000000` then "
        f"`DATABASE_URL=... .venv/bin/python -m bench.pages --runs {runs}` (add `--explain` for query plans).",
        "",
        f"In-process requests through `django.test.Client` (real middleware, sessions, templates, DEBUG off), "
        f"{runs} timed runs per page after warm-up, wall time in ms. Budget: p95 under {BUDGET_MS:.0f} ms. "
        "*Python CPU* is this process's CPU time per request (ORM, templates, middleware; not PostgreSQL's); "
        "*queries* / *SQL ms* (median) come from three extra requests per page. The machine is shared: "
        f"load average {info['load']}.",
        "",
        "| page | user | p50 | p95 | mean | Python CPU p50 | queries | SQL ms | budget |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        s = r.scenario
        if r.ok:
            verdict = "ok" if r.pct(95) < BUDGET_MS else "**over**"
            verdict += "" if r.applied else " (filter ignored by the page)"
            lines.append(
                f"| {s.label} | {s.user} | {r.pct(50):.1f} | {r.pct(95):.1f} | {r.mean:.1f} | {r.cpu_p50:.1f} | "
                f"{r.queries} | {r.sql_ms:.1f} | {verdict} |"
            )
        else:
            lines.append(f"| {s.label} | {s.user} | HTTP {r.status} | | | | | | not measured |")
    lines += ["", "Ours against Django admin on the same data, same run (ratio < 1 means ours is faster):", ""]
    lines += ["| ours | baseline | ours p95 | admin p95 | p95 ratio | p50 ratio |", "|---|---|---:|---:|---:|---:|"]
    for r in results:
        ours = by_key.get(r.scenario.baseline_of)
        if r.scenario.baseline_of and ours and ours.ok and r.ok:
            lines.append(
                f"| {ours.scenario.label} (admin) | {r.scenario.label} | {ours.pct(95):.1f} | {r.pct(95):.1f} | "
                f"{ours.pct(95) / r.pct(95):.2f} | {ours.pct(50) / r.pct(50):.2f} |"
            )
    return "\n".join(lines) + "\n"


START, END = "<!-- bench:participants:start -->", "<!-- bench:participants:end -->"
HEADER = (
    "# Benchmarks\n\nPerformance budgets are in ARCHITECTURE.md. Each section below is written by its "
    "benchmark under bench/; rerun the command it names to refresh it.\n"
)


def write_section(path: str, section: str) -> None:
    """Replace only our marked section; other benchmarks own the rest of the file."""
    block = f"{START}\n{section}{END}\n"
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        text = HEADER
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    from django.conf import settings

    # Client() talks to "testserver"; setup_test_environment would also instrument templates.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(f"DEBUG={settings.DEBUG}  database={settings.DATABASES['default']['ENGINE']}")
    subjects = pick_subjects()
    made = clients(subjects)
    only = {k for k in args.only.split(",") if k}
    results = []
    for scenario in scenarios(subjects):
        if only and scenario.key not in only:
            continue
        result = measure(scenario, made[scenario.user], args.runs, args.warmup)
        results.append(result)
        if result.ok:
            flag = "" if result.pct(95) < BUDGET_MS else "  OVER BUDGET"
            flag += "" if result.applied else f"  (filter NOT applied: no {scenario.expect!r} in the SQL)"
            print(
                f"{scenario.key:<22} p50 {result.pct(50):7.1f}  p95 {result.pct(95):7.1f}  mean {result.mean:7.1f} ms"
                f"  cpu {result.cpu_p50:6.1f}  {result.queries:>2} queries {result.sql_ms:6.1f} ms SQL{flag}",
                flush=True,
            )
        else:
            print(f"{scenario.key:<22} HTTP {result.status} at {scenario.url}", flush=True)
        if args.explain and result.ok:
            print(explain(result), flush=True)
    if not args.no_write:
        path = str(settings.BASE_DIR / "BENCHMARKS.md")
        write_section(path, render_section(results, machine_info(subjects), args.runs))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
