"""Time the claims pages at 200,000 claims: work queues, the claim page, archive search,
age outreach, dashboard-style counts and the PDFs, each beside a raw-SQL baseline of its
main query in the same run.

    DATABASE_URL=... .venv/bin/python -m bench.generate --participants 1000000
    DATABASE_URL=... .venv/bin/python -m bench.claims_generate --claims 200000
    DATABASE_URL=... .venv/bin/python -m bench.claims [--runs 30] [--explain] [--no-write]

Requests go in-process through django.test.Client (real middleware, sessions, templates,
DEBUG off). Pages that name one claim rotate over 40 different claims, so one cached row
is not what is timed. The section between the claims markers of BENCHMARKS.md is replaced.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .django_setup import setup
from .pages import Result, Scenario, machine_info

START, END = "<!-- bench:claims:start -->", "<!-- bench:claims:end -->"


@dataclass
class Case:
    key: str
    label: str
    user: str
    urls: list[str] = field(default_factory=list)
    budget_ms: float = 150.0
    baseline_sql: str = ""  # the page's main query as raw SQL, timed through a bare cursor
    baseline_params: list[Any] = field(default_factory=list)
    call: Callable[[], Any] | None = None  # a non-page measurement (the dashboard counts)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.claims", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each page's claims queries")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--only", default="")
    return parser.parse_args(argv)


def subjects() -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count

    from lindung.accounts.models import Duty, User
    from lindung.claims.models import ArchiveFile, Claim
    from lindung.claims.paging import cursor_of

    from .claims_generate import MARK
    from .generate import ADMIN_USERNAME

    admin = User.objects.get(username=ADMIN_USERNAME)
    busiest = Claim.objects.values("coordinator").annotate(n=Count("id")).order_by("-n").first() or {}
    coordinator = User.objects.get(pk=busiest["coordinator"])
    services, _created = User.objects.get_or_create(username="bench_claims_services", defaults={"role": "officer"})
    services.duties.add(*Duty.objects.filter(code__in=["claims_services", "finance_head"]))
    if connection.vendor == "postgresql":
        # The same 40 claims (and so the same surname and box) every run, so runs of two
        # versions of the code compare the same pages.
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.42)")
    sample = list(
        Claim.objects.filter(bank_account_holder=MARK, status="archived")
        .order_by("?")
        .values_list("pk", flat=True)[:40]
    )
    file = ArchiveFile.objects.select_related("claim__participant").filter(claim_id=sample[0]).get()
    # Page 200 of the unfiltered queue is "after" the last row of page 199 (paging.py).
    edge = Claim.objects.order_by("status_changed_at", "id").values_list("status_changed_at", "id")[199 * 50 - 1]
    return {
        "admin": admin,
        "coordinator": coordinator,
        "coordinator_claims": busiest["n"],
        "services": services,
        "sample": sample,
        "file": file,
        "surname": file.claim.participant.full_name.split()[-1],
        "deep_cursor": cursor_of(*edge),
    }


def cases(s: dict[str, Any]) -> list[Case]:
    from django.db.models import Count

    from lindung.claims.models import Claim

    file = s["file"]
    detail = [f"/claims/{pk}/" for pk in s["sample"]]
    vouchers = [f"/claims/{pk}/voucher.pdf" for pk in s["sample"][:10]]
    nik = file.claim.participant.nik[:8]

    def counts() -> Any:
        # What a claims dashboard reads first: claims by status and program.
        return list(Claim.objects.values("status", "program").annotate(n=Count("id")).order_by())

    return [
        Case(
            "queue_admin", "Work queue, all claims", "admin", ["/claims/"],
            baseline_sql="SELECT * FROM claims_claim c JOIN participants_participant p ON p.id = c.participant_id "
            "ORDER BY c.status_changed_at, c.id LIMIT 50",
        ),
        Case(
            "queue_submitted", "Work queue, submitted", "services", ["/claims/?status=submitted"],
            baseline_sql="SELECT * FROM claims_claim c JOIN participants_participant p ON p.id = c.participant_id "
            "WHERE c.status = 'submitted' ORDER BY c.status_changed_at, c.id LIMIT 50",
        ),
        Case(
            "queue_deep", "Work queue, page 200", "admin", [f"/claims/?after={s['deep_cursor']}"],
            baseline_sql="SELECT * FROM claims_claim c JOIN participants_participant p ON p.id = c.participant_id "
            "ORDER BY c.status_changed_at, c.id LIMIT 50 OFFSET 9950",
        ),
        Case(
            "queue_coordinator", "Work queue, coordinator", "coordinator", ["/claims/"],
            baseline_sql="SELECT * FROM claims_claim c JOIN participants_participant p ON p.id = c.participant_id "
            "WHERE c.coordinator_id = %s ORDER BY c.status_changed_at, c.id LIMIT 50",
            baseline_params=[s["coordinator"].pk],
        ),
        Case("detail", "Claim page (40 claims)", "admin", detail),
        Case(
            "archive_code", "Archive search, transaction code", "services",
            [f"/claims/archive/?q={file.claim.transaction_code}"],
            baseline_sql="SELECT * FROM claims_archivefile a JOIN claims_claim c ON c.id = a.claim_id "
            "WHERE upper(c.transaction_code) = upper(%s)",
            baseline_params=[file.claim.transaction_code],
        ),
        Case("archive_name", "Archive search, common surname", "services", [f"/claims/archive/?q={s['surname']}"]),
        Case("archive_nik", "Archive search, NIK prefix", "services", [f"/claims/archive/?q={nik}"]),
        Case("archive_box", "Archive search, box", "services", [f"/claims/archive/?box={file.box}"]),
        Case(
            "archive_program_month", "Archive, program and one month", "services",
            [f"/claims/archive/?program={file.program}&archived_from={file.archived_on:%Y-%m-01}"
             f"&archived_to={file.archived_on:%Y-%m-28}"],
        ),
        Case("archive_all", "Archive, no filter", "admin", ["/claims/archive/"]),
        Case("outreach_admin", "Age outreach, 3 months", "admin", ["/claims/outreach/"]),
        Case("outreach_coordinator", "Age outreach, coordinator", "coordinator", ["/claims/outreach/"]),
        Case(
            "counts", "Counts by status and program (ORM)", "-", call=counts, budget_ms=300.0,
            baseline_sql="SELECT status, program, count(*) FROM claims_claim GROUP BY 1, 2",
        ),
        Case("voucher_pdf", "Voucher PDF", "services", vouchers, 1000.0),
        Case("box_label", "Box label PDF", "services", [f"/claims/archive/label.pdf?box={file.box}"], 1000.0),
    ]  # fmt: skip


def time_case(case: Case, client: Any, runs: int, warmup: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Result(Scenario(case.key, case.label, case.user, case.urls[0] if case.urls else ""), 200)

    def once(i: int) -> int:
        if case.call is not None:
            case.call()
            return 200
        return int(client.get(case.urls[i % len(case.urls)]).status_code)

    for i in range(warmup):
        once(i)
    for i in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        status = once(i)
        result.times_ms.append((time.perf_counter() - started) * 1000)
        result.cpu_ms.append((time.process_time() - cpu) * 1000)
        if status != 200:
            result.status = status
            return result
    with CaptureQueriesContext(connection) as ctx:
        once(0)
    result.captured = list(ctx.captured_queries)
    result.queries = len(result.captured)
    result.sql_ms = sum(float(q["time"]) for q in result.captured) * 1000
    return result


def time_baseline(case: Case, runs: int) -> list[float]:
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(case.baseline_sql, case.baseline_params)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return times


def explain(result: Result) -> str:
    from django.db import connection

    lines = [f"### {result.scenario.key}: {result.scenario.url}"]
    for query in result.captured:
        sql = query["sql"]
        if "claims_" not in sql or not sql.lstrip().upper().startswith("SELECT"):
            continue
        lines.append(f"-- {float(query['time']) * 1000:.1f} ms\n{sql[:400]}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            lines += ["    " + " | ".join(str(c) for c in row) for row in cursor.fetchall()]
    return "\n".join(lines)


def pct(times: list[float], p: float) -> float:
    ordered = sorted(times)
    return ordered[max(int(-(-p * len(ordered) // 100)) - 1, 0)]


def render(results: list[tuple[Case, Result, list[float]]], info: dict[str, str], s: dict[str, Any], runs: int) -> str:
    from lindung.claims.models import ArchiveFile, Claim

    lines = [
        "## Claims at 200,000: queues, claim page, archive search, outreach, PDFs",
        "",
        f"Measured {info['date']} on {info['machine']}; {info['database']}; {info['rows']}; "
        f"{Claim.objects.count():,} claims, {ArchiveFile.objects.count():,} archived; the coordinator measured "
        f"has {s['coordinator_claims']:,} claims.",
        "",
        "Reproduce: `DATABASE_URL=... python -m bench.generate --participants 1000000`, "
        "`python -m bench.claims_generate --claims 200000`, then "
        f"`python -m bench.claims --runs {runs}` (`--explain` prints the plans; "
        "`python -m bench.claims_generate --delete` removes the generated claims).",
        "",
        f"In-process requests, {runs} timed runs after warm-up, wall ms. *Baseline*: the page's main query as raw "
        "SQL through a bare cursor, same run; *ratio* = page p50 / baseline p50 (what Django, the other queries "
        f"and the template add). Load average {info['load']}.",
        "",
        "| case | user | p50 | p95 | queries | SQL ms | baseline p50 | ratio | budget |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for case, r, base in results:
        if not r.ok:
            lines.append(f"| {case.label} | {case.user} | HTTP {r.status} | | | | | | not measured |")
            continue
        verdict = f"{'ok' if r.pct(95) < case.budget_ms else '**over**'} ({case.budget_ms:.0f})"
        b50 = statistics.median(base) if base else None
        lines.append(
            f"| {case.label} | {case.user} | {r.pct(50):.1f} | {r.pct(95):.1f} | {r.queries} | {r.sql_ms:.1f} | "
            f"{f'{b50:.1f}' if b50 is not None else ''} | {f'{r.pct(50) / b50:.1f}' if b50 else ''} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def write(path: str, section: str) -> None:
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


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    s = subjects()
    clients = {}
    for role in ("admin", "coordinator", "services"):
        client = Client(raise_request_exception=False)
        client.force_login(s[role])
        clients[role] = client
    only = {k for k in args.only.split(",") if k}
    results = []
    for case in cases(s):
        if only and case.key not in only:
            continue
        r = time_case(case, clients.get(case.user), args.runs, args.warmup)
        base = time_baseline(case, args.runs) if case.baseline_sql else []
        print(f"{case.key:24} p50 {r.pct(50) if r.ok else 0:8.1f}  p95 {r.pct(95) if r.ok else 0:8.1f}  "
              f"q {r.queries:3}  status {r.status}", flush=True)  # fmt: skip
        if args.explain:
            print(explain(r))
        results.append((case, r, base))
    info = machine_info({"coordinator_rows": 0, "admin": s["admin"]})
    info["rows"] = info["rows"].split("; the coordinator")[0]  # pages.py's coordinator is not ours
    section = render(results, info, s, args.runs)
    print(section)
    if not args.no_write and not only:
        write(os.path.join(os.path.dirname(os.path.dirname(__file__)), "BENCHMARKS.md"), section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
