"""Time the monthly bill run and the arrears page on a national-sized ledger.

    .venv/bin/python -m bench.billing [--only arrears,generation] [--runs 20] [--sample N] [--service-sample N]
                                      [--explain] [--no-write] [--render-only]

Run bench.generate and bench.billing_generate first. Two parts:

* generation: bills_generate for the month after the last one billed, over every active
  participant (or ``--sample`` / ``--service-sample`` of them), beside the same month's
  bills and lines written by one set-based INSERT ... SELECT in a transaction rolled back.
  bills_generate commits chunk by chunk as the monthly job does (one transaction around a
  long run would hold its locks for many minutes on a database others use, and keep every
  row version of the summary rows it updates). The month is scratch: afterwards its bills
  and lines are deleted inside the same tallies bracket the services use, so the dashboard
  tallies lose exactly what they gained, and the arrears table is recounted for its day,
  leaving the 12-month ledger as it was.
* arrears: /billing/arrears/ as the admin and as the busiest coordinator, through
  django.test.Client as bench.pages does, beside the raw SQL of the page's two aggregates,
  on the pre-grouped table the page reads and grouped live from the bills.

Each part keeps its latest figures in var/bench_billing.json, so either can be rerun alone;
the billing section of BENCHMARKS.md is rendered from both.
"""

import argparse
import datetime
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .django_setup import setup
from .pages import BUDGET_MS, Result, Scenario, clients, measure

START, END = "<!-- bench:billing:start -->", "<!-- bench:billing:end -->"
ARREARS = "/billing/arrears/"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.billing", description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="arrears,generation", help="parts to run: arrears, generation")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--sample", type=int, default=None, help="bill only the first N active participants")
    parser.add_argument(
        "--service-sample",
        type=int,
        default=None,
        help="bills_generate over the first N only (the baseline still bills --sample or everyone)",
    )
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the arrears queries")
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="measure nothing: rewrite the section from var/bench_billing.json (after editing its *_note texts)",
    )
    return parser.parse_args(argv)


def _one(sql: str, params: Sequence[Any] = ()) -> Any:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# --- bill generation -----------------------------------------------------------------


def _month_after_last() -> datetime.date:
    from lindung.contributions.calculator import add_months

    last = _one("SELECT max(month) FROM billing_bill WHERE month < %s", [datetime.date(2100, 1, 1)])
    if last is None:
        sys.exit("No bills yet: run `python -m bench.billing_generate` first.")
    return add_months(last, 1)


def _delete_month_slow(month: datetime.date) -> int:
    """Remove a scratch month's bills and lines, participant chunk by chunk inside the
    tallies bracket bills_generate itself uses (lindung.tallies.maintain.tracking), so
    the dashboards' summary rows lose exactly what the run added. Nothing else points
    at new unpaid bills; a paid one would be left alone."""
    import contextlib

    from django.db import connection, transaction

    try:
        from lindung.tallies import maintain as tallies
    except ImportError:  # a tree without the tallies: nothing to keep
        tallies = None  # type: ignore[assignment]
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT participant_id FROM billing_bill WHERE month = %s ORDER BY 1", [month])
        ids = [row[0] for row in cursor.fetchall()]
    deleted = 0
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        bracket = tallies.tracking(chunk, tallies.BILLS) if tallies is not None else contextlib.nullcontext()
        with transaction.atomic(), bracket, connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM billing_billline l USING billing_bill b WHERE l.bill_id = b.id AND b.month = %s "
                "AND b.paid_amount = 0 AND b.participant_id = ANY(%s)",
                [month, chunk],
            )
            cursor.execute(
                "DELETE FROM billing_bill WHERE month = %s AND paid_amount = 0 AND participant_id = ANY(%s)",
                [month, chunk],
            )
            deleted += int(cursor.rowcount)
    return deleted


def _delete_month(month: datetime.date) -> int:
    """Remove the scratch month. When nothing but the run touched it (no allocation to its
    bills, none of them past due, no bill of that month before the run), its bills and
    lines go in two statements and the month's tally rows lose exactly what the run
    added: all of their billed and paid amounts (rows left all zero go); the run's
    bills.generated events go too. Otherwise participant by participant inside the
    tallies' bracket (_delete_month_slow), as before: minutes at a million."""
    from django.db import connection, transaction
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM billing_paymentallocation a JOIN billing_bill b ON b.id = a.bill_id "
            "WHERE b.month = %s",
            [month],
        )
        paid = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM billing_bill WHERE month = %s AND due_date < %s", [month, timezone.localdate()]
        )
        late = cursor.fetchone()[0]
    if paid or late:
        print(f"  scratch month has {paid} allocations and {late} late bills: deleting through the tallies bracket")
        return _delete_month_slow(month)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM billing_billline l USING billing_bill b WHERE l.bill_id = b.id AND b.month = %s", [month]
        )
        cursor.execute("DELETE FROM billing_bill WHERE month = %s", [month])
        deleted = int(cursor.rowcount)
        if "tallies_monthtally" in connection.introspection.table_names():
            cursor.execute("UPDATE tallies_monthtally SET billed = 0, paid = 0 WHERE month = %s", [month])
            cursor.execute(
                "DELETE FROM tallies_monthtally WHERE month = %s AND registrations = 0 AND billed = 0 AND paid = 0 "
                "AND payment_records = 0 AND payments_received = 0 AND payments_amount = 0",
                [month],
            )
        cursor.execute(
            "DELETE FROM core_domainevent WHERE kind = 'bills.generated' AND payload->>'month' = %s",
            [month.isoformat()],
        )
    return deleted


def _rebuild_arrears() -> str:
    """Recount the arrears table for its own day: the scratch bills are not yet due, but a
    month billed late would have touched it (bills_generate refreshes late bills)."""
    from lindung.billing.arrears.table import arrears_rebuild, arrears_table_day

    day = arrears_table_day()
    if day is None:
        return "no arrears table to recount"
    rebuild = arrears_rebuild(day)
    return f"arrears table recounted for {rebuild.day} ({rebuild.rows:,} late payers, {rebuild.seconds:.1f}s)"


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE billing_bill")
        cursor.execute("VACUUM ANALYZE billing_billline")


def _sample_ids(sample: int | None) -> list[int] | None:
    from lindung.participants.models import Participant

    if not sample:
        return None
    return list(Participant.objects.filter(status="active").order_by("pk").values_list("pk", flat=True)[:sample])


def sql_baseline(month: datetime.date, ids: list[int] | None, *, keys_checked: bool = False) -> dict[str, Any]:
    """The month's bills and lines by two INSERT ... SELECT, in a transaction rolled back.
    The amounts per (category, income) come from the calculator (participants with their
    own program rows would need more; the generated registry has none).

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: they are checked at commit,
    which a rolled-back baseline never reaches. ``keys_checked`` checks them as the rows
    go in (SET CONSTRAINTS ALL IMMEDIATE), the work every committed bill costs."""
    from django.db import connection, transaction

    from lindung.billing.bills.services import month_end
    from lindung.contributions.calculator import contribution_calculate, due_date
    from lindung.contributions.selectors import rules_in_force

    book = rules_in_force(month)
    combos = _one(
        "SELECT count(*) FROM contributions_participantprogram WHERE since <= %s", [month_end(month)]
    )  # fmt: skip
    if combos:
        print(f"  note: {combos} program rows exist; the SQL baseline bills mandatory programs only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT category, declared_income FROM participants_participant "
            "WHERE status = 'active' AND declared_income IS NOT NULL"
        )
        pairs = cursor.fetchall()
    bills, lines = [], []
    for category, income in pairs:
        try:
            calc = contribution_calculate(
                category=category,
                income=int(income),
                programs=book.mandatory_programs(category),
                month=month,
                book=book,
            )
        except Exception:  # noqa: BLE001 - bills_generate leaves these out too (problems)
            continue
        due = due_date(category, month)
        bills.append((category, calc.income, calc.total, calc.employer_total, calc.worker_total, due))
        for line in calc.lines:
            lines.append(
                (category, calc.income, line.program, line.basis, line.rate, line.flat_amount, line.employer_share,
                 line.worker_share, line.amount, line.legal_basis[:200])
            )  # fmt: skip
    only = "AND p.id = ANY(%s)" if ids is not None else ""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if keys_checked:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f"""INSERT INTO billing_bill (participant_id, month, category, income_basis, amount, employer_amount,
                                          worker_amount, paid_amount, due_date, created_at)
                SELECT p.id, %s, p.category, c.income, c.total, c.employer, c.worker, 0, c.due, now()
                  FROM participants_participant p
                  JOIN (SELECT * FROM unnest(%s::text[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[],
                                             %s::date[])) AS c(category, income, total, employer, worker, due)
                    ON c.category = p.category AND c.income = p.declared_income
                 WHERE p.status = 'active' AND p.registration_date <= %s {only}
                   AND NOT EXISTS (SELECT 1 FROM billing_bill b WHERE b.participant_id = p.id AND b.month = %s)""",
            [month, *map(list, zip(*bills, strict=True)), month_end(month), *([ids] if ids is not None else []), month],
        )
        n_bills = cursor.rowcount
        bills_done = time.perf_counter()
        cursor.execute(
            """INSERT INTO billing_billline (bill_id, program, basis, rate, flat_amount, employer_share, worker_share,
                                             amount, legal_basis)
               SELECT b.id, l.program, l.basis, l.rate, l.flat, l.employer, l.worker, l.amount, l.legal
                 FROM billing_bill b
                 JOIN (SELECT * FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::bigint[], %s::numeric[],
                                            %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::text[]))
                      AS l(category, income, program, basis, rate, flat, employer, worker, amount, legal)
                   ON l.category = b.category AND l.income = b.income_basis
                WHERE b.month = %s""",
            [*map(list, zip(*lines, strict=True)), month],
        )
        n_lines = cursor.rowcount
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return {
        "bills": n_bills,
        "lines": n_lines,
        "seconds": elapsed,
        "bills_seconds": bills_done - started,
        "combinations": len(bills),
    }


def service_run(month: datetime.date, ids: list[int] | None) -> dict[str, Any]:
    """bills_generate as the monthly job runs it, counting its queries on the way."""
    from django.db import connection

    from lindung.billing.bills.services import bills_generate

    queries = {"n": 0, "ms": 0.0}

    def counter(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries["n"] += 1
            queries["ms"] += (time.perf_counter() - started) * 1000

    progress = {"last": time.perf_counter()}

    def report(done: int, total: int, *_: Any) -> None:
        if time.perf_counter() - progress["last"] > 30 or done == total:
            progress["last"] = time.perf_counter()
            print(f"  {done:>10,} / {total:,}  {progress['last'] - started:6.1f}s", flush=True)

    started = time.perf_counter()
    cpu_started = time.process_time()
    with connection.execute_wrapper(counter):
        result = bills_generate(month=month, participant_ids=ids, report=report)
    try:
        from lindung.billing.bills import monthly

        kind = f"set-based, chunks of {monthly.CHUNK:,}"
    except ImportError:  # a tree from before the set-based run
        kind = "ORM, chunks of 2,000"
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    lines = _one(
        "SELECT count(*) FROM billing_billline l JOIN billing_bill b ON b.id = l.bill_id WHERE b.month = %s", [month]
    )
    return {
        "bills": result.created,
        "lines": lines,
        "problems": len(result.problems),
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "queries": queries["n"],
        "sql_seconds": queries["ms"] / 1000,
        "kind": kind,
    }


def run_generation(sample: int | None, service_sample: int | None) -> dict[str, Any]:
    month = _month_after_last()
    ids = _sample_ids(sample)
    active = (
        len(ids) if ids is not None else _one("SELECT count(*) FROM participants_participant WHERE status = 'active'")
    )
    print(f"generation: month {month:%Y-%m}, {active:,} active participants", flush=True)
    load_before = f"{os.getloadavg()[0]:.1f}"
    baseline = sql_baseline(month, ids)
    print(
        f"  SQL baseline: {baseline['bills']:,} bills + {baseline['lines']:,} lines in {baseline['seconds']:.1f}s "
        f"(rolled back)",
        flush=True,
    )
    _vacuum()  # the rolled-back rows would otherwise slow the next run
    checked = sql_baseline(month, ids, keys_checked=True)
    print(f"  SQL baseline, foreign keys checked: {checked['seconds']:.1f}s (rolled back)", flush=True)
    _vacuum()
    service = service_run(month, _sample_ids(service_sample) if service_sample else ids)
    print(
        f"  bills_generate: {service['bills']:,} bills + {service['lines']:,} lines in {service['seconds']:.1f}s, "
        f"{service['queries']:,} queries ({service['sql_seconds']:.1f}s in SQL)",
        flush=True,
    )
    load_after = f"{os.getloadavg()[0]:.1f}"
    deleted = _delete_month(month)
    _vacuum()
    print(f"  scratch month deleted ({deleted:,} bills); {_rebuild_arrears()}", flush=True)
    return {
        "month": f"{month:%Y-%m}",
        "active": active,
        "sample": sample,
        "service_sample": service_sample,
        "baseline": baseline,
        "baseline_keys_checked": checked,
        "service": service,
        "load_before": load_before,
        "load_after": load_after,
    }


# --- arrears page --------------------------------------------------------------------


def arrears_scenarios() -> list[Scenario]:
    return [
        Scenario("default", "arrears, default sort (amount owed, largest first)", "admin", ARREARS),
        Scenario("oldest", "arrears, 7+ months owed", "admin", f"{ARREARS}?bucket=7%2B"),
        Scenario("name", "arrears sorted by name", "admin", f"{ARREARS}?sort=name"),
        Scenario("page", "arrears page 200", "admin", f"{ARREARS}?page=200"),
        Scenario("default", "arrears, default sort (amount owed, largest first)", "coordinator", ARREARS),
        Scenario("oldest", "arrears, 7+ months owed", "coordinator", f"{ARREARS}?bucket=7%2B"),
        Scenario("name", "arrears sorted by name", "coordinator", f"{ARREARS}?sort=name"),
    ]


# The page's own two aggregates, on the pre-grouped table it reads (billing.ParticipantArrears).
TABLE_PAGE_SQL = """
SELECT a.participant_id, a.months_owed, a.amount_owed, a.oldest_month
  FROM billing_participantarrears a {join} {where}
 ORDER BY a.amount_owed DESC, a.participant_id DESC LIMIT 25"""
TABLE_SUMMARY_SQL = """
SELECT CASE WHEN a.months_owed >= 7 THEN '7+' WHEN a.months_owed >= 4 THEN '4-6' ELSE a.months_owed::text END,
       count(*), sum(a.amount_owed)
  FROM billing_participantarrears a {join} {where}
 GROUP BY 1"""
# The same two, grouped live from the open past-due bills: what the table spares each request.
LIVE_PAGE_SQL = """
SELECT b.participant_id, count(*) AS months_owed, sum(b.amount - b.paid_amount) AS amount_owed, min(b.month)
  FROM billing_bill b {join}
 WHERE b.settled_on IS NULL AND b.due_date < %s {where}
 GROUP BY b.participant_id ORDER BY amount_owed DESC, b.participant_id LIMIT 25"""
LIVE_SUMMARY_SQL = """
SELECT CASE WHEN n >= 7 THEN '7+' WHEN n >= 4 THEN '4-6' ELSE n::text END, count(*), sum(owed)
  FROM (SELECT count(*) AS n, sum(b.amount - b.paid_amount) AS owed FROM billing_bill b {join}
         WHERE b.settled_on IS NULL AND b.due_date < %s {where} GROUP BY b.participant_id) g
 GROUP BY 1"""
LIVE_RUNS = 5  # seconds each for the national ledger


def raw_arrears(coordinator_id: int | None, runs: int, *, live: bool) -> tuple[list[float], str]:
    """The page's two aggregates (top 25 by amount, ageing buckets) in hand-written SQL:
    on the table the page reads, or (``live``) grouped from the bills."""
    from django.db import connection
    from django.utils import timezone

    if live:
        alias, page_sql, summary_sql = "b", LIVE_PAGE_SQL, LIVE_SUMMARY_SQL
        params: list[Any] = [timezone.localdate()]
    else:
        alias, page_sql, summary_sql = "a", TABLE_PAGE_SQL, TABLE_SUMMARY_SQL
        params = []
    join = f"JOIN participants_participant p ON p.id = {alias}.participant_id" if coordinator_id else ""
    where = ("AND" if live else "WHERE") + " p.coordinator_id = %s" if coordinator_id else ""
    if coordinator_id:
        params.append(coordinator_id)
    page_sql, summary_sql = page_sql.format(join=join, where=where), summary_sql.format(join=join, where=where)
    times = []
    with connection.cursor() as cursor:
        for i in range(runs + 1):
            started = time.perf_counter()
            cursor.execute(page_sql, params)
            cursor.fetchall()
            cursor.execute(summary_sql, params)
            cursor.fetchall()
            if i:  # the first is the warm-up
                times.append((time.perf_counter() - started) * 1000)
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + summary_sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return times, plan


def _pct(values: list[float], p: float) -> float:
    import math

    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def explain_page(result: Result) -> str:
    from django.db import connection

    lines = [f"### {result.scenario.user}: {result.scenario.url}"]
    for query in result.captured:
        sql = query["sql"]
        if "billing_" not in sql or not sql.lstrip().upper().startswith("SELECT"):
            continue
        lines.append(f"-- {float(query['time']) * 1000:.1f} ms\n{sql}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            lines += ["    " + row[0] for row in cursor.fetchall()]
    return "\n".join(lines)


def run_arrears(runs: int, warmup: int, explain: bool) -> dict[str, Any]:
    from django.conf import settings
    from django.db.models import Count

    from lindung.accounts.models import User
    from lindung.participants.models import Participant

    from .generate import ADMIN_USERNAME

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
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
    made = clients({"admin": admin, "coordinator": coordinator})
    pages = []
    plans = []
    for scenario in arrears_scenarios():
        result = measure(scenario, made[scenario.user], runs, warmup)
        row: dict[str, Any] = {"label": scenario.label, "user": scenario.user, "url": scenario.url}
        row["status"] = result.status
        if result.ok:
            row.update(
                p50=result.pct(50),
                p95=result.pct(95),
                mean=result.mean,
                cpu_p50=result.cpu_p50,
                queries=result.queries,
                sql_ms=result.sql_ms,
            )
            print(
                f"{scenario.user:<12} {scenario.label:<52} p50 {result.pct(50):8.1f}  p95 {result.pct(95):8.1f} ms"
                f"  {result.queries:>2} queries {result.sql_ms:7.1f} ms SQL",
                flush=True,
            )
            if explain or result.pct(95) >= BUDGET_MS:
                plans.append(explain_page(result))
        else:
            print(f"{scenario.user:<12} {scenario.label:<52} HTTP {result.status}", flush=True)
        pages.append(row)
    raw = {}
    for role, cid in (("admin", None), ("coordinator", coordinator.pk)):
        for kind, live, n in (("table", False, runs), ("live", True, LIVE_RUNS)):
            times, plan = raw_arrears(cid, n, live=live)
            raw[f"{role}:{kind}"] = {"role": role, "kind": kind, "runs": n, "plan": plan}
            raw[f"{role}:{kind}"].update(p50=_pct(times, 50), p95=_pct(times, 95))
            print(f"raw SQL, {kind} ({role}): p50 {_pct(times, 50):.1f}  p95 {_pct(times, 95):.1f} ms", flush=True)
    late = _one(
        "SELECT count(DISTINCT participant_id) FROM billing_bill WHERE settled_on IS NULL AND due_date < %s",
        [datetime.date.today()],
    )
    own = Participant.objects.filter(coordinator=coordinator).count()
    if plans:
        print("\n\n".join(plans), flush=True)
    return {
        "pages": pages,
        "raw": raw,
        "late_payers": late,
        "coordinator_rows": own,
        "plans": plans,
        "runs": runs,
    }


# --- reporting -----------------------------------------------------------------------


def machine_info() -> dict[str, str]:
    import os
    import platform

    import django
    from django.db import connection

    cpu = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    except OSError:
        cpu = platform.processor()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        database = f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute(
            "SELECT (SELECT count(*) FROM participants_participant), (SELECT count(*) FROM billing_bill), "
            "(SELECT count(*) FROM billing_billline), (SELECT count(*) FROM billing_payment), "
            "(SELECT count(*) FROM billing_paymentallocation), (SELECT min(month) FROM billing_bill), "
            "(SELECT max(month) FROM billing_bill)"
        )
        p, b, bl, pay, alloc, first, last = cursor.fetchone()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, Django {django.get_version()}",
        "database": database,
        "rows": (
            f"{p:,} participants; {b:,} bills ({first:%b %Y}–{last:%b %Y}), {bl:,} bill lines, {pay:,} payments, "
            f"{alloc:,} allocations"
        ),
        "load": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def render_section(data: dict[str, Any]) -> str:
    info = data["info"]
    out = [
        "## Billing: monthly bill run and the arrears page",
        "",
        f"Measured {info['date']} on {info['machine']}; {info['database']}; {info['rows']}. "
        f"Load average {info['load']} (1/5/15 min) at the end: the machine is shared.",
        "",
        "Reproduce: `DATABASE_URL=... .venv/bin/python -m bench.generate --participants 1000000`, then "
        "`DATABASE_URL=... .venv/bin/python -m bench.billing_generate --reset` (12 months of bills, lines, "
        "payments and allocations; every participant made an active informal worker), then "
        "`DATABASE_URL=... .venv/bin/python -m bench.billing` (`--only arrears` or `--only generation`; "
        "`--sample N` bills N participants only, `--service-sample N` times `bills_generate` on the first N; "
        "`--explain` prints the plans; `--render-only` rewrites this section from `var/bench_billing.json`).",
        "",
    ]
    if data.get("dataset_note"):
        out += [data["dataset_note"], ""]
    gen = data.get("generation")
    if gen:
        base, svc = gen["baseline"], gen["service"]
        scope = f"the first {gen['sample']:,} active participants" if gen["sample"] else "all active participants"
        scope = f"baseline over {scope} ({gen['active']:,})"
        if gen.get("service_sample"):
            scope += f", `bills_generate` over the first {gen['service_sample']:,}"
        out += [
            f"### Bill generation for one new month ({gen['month']}; {scope})",
            "",
            "One run each. The baseline writes the same bills and lines with two set-based `INSERT ... SELECT` "
            "(amounts from the calculator per distinct category and income) in a transaction rolled back; "
            "`bills_generate` commits chunk by chunk as the monthly job does (events, tallies, arrears of late "
            "bills included), and its bills, the month's tally amounts and its events are deleted afterwards "
            "and the arrears table recounted, so the 12-month ledger is left as it was. "
            f"Load average (1 min) before the baseline {gen.get('load_before', '?')}, after the run "
            f"{gen.get('load_after', '?')}.",
            "",
            "| run | bills | lines | seconds | bills/s | queries | SQL s | time per bill × baseline |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            f"| baseline: `INSERT ... SELECT` ({base['combinations']} amounts) | {base['bills']:,} | "
            f"{base['lines']:,} | {base['seconds']:.1f} | {base['bills'] / base['seconds']:,.0f} | 2 | "
            f"{base['seconds']:.1f} | 1.0 |",
            *_checked_row(gen),
            f"| `bills_generate` ({svc.get('kind', 'ORM, chunks of 2,000')}) | {svc['bills']:,} | {svc['lines']:,} | "
            f"{svc['seconds']:.1f} "
            f"| {svc['bills'] / max(svc['seconds'], 1e-9):,.0f} | {svc['queries']:,} | {svc['sql_seconds']:.1f} | "
            f"{(base['bills'] / base['seconds']) / (svc['bills'] / max(svc['seconds'], 1e-9)):.1f} |",
            "",
        ]
        if data.get("generation_note"):
            out += [data["generation_note"], ""]
    arr = data.get("arrears")
    if arr:
        out += [
            f"### Arrears page (`{ARREARS}`)",
            "",
            f"{arr['late_payers']:,} late payers in the ledger; the coordinator measured is the busiest one "
            f"({arr['coordinator_rows']:,} participants). In-process `django.test.Client`, DEBUG off, "
            f"{arr['runs']} timed runs per page after warm-up, wall ms; budget p95 under {BUDGET_MS:.0f} ms. "
            "The baseline is the page's two aggregates (top 25 late payers by amount, ageing buckets) as "
            "hand-written SQL on the same connection: on the pre-grouped table the page reads "
            "(`billing_participantarrears`, rebuilt nightly and kept exact by payments), and grouped live from "
            "the open past-due bills (what that table spares each request).",
            "",
            "| page | user | p50 | p95 | mean | Python CPU p50 | queries | SQL ms | budget |",
            "|---|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for row in arr["pages"]:
            if row["status"] != 200:
                out.append(f"| {row['label']} | {row['user']} | HTTP {row['status']} | | | | | | not measured |")
                continue
            verdict = "ok" if row["p95"] < BUDGET_MS else "**over**"
            out.append(
                f"| {row['label']} | {row['user']} | {row['p50']:.1f} | {row['p95']:.1f} | {row['mean']:.1f} | "
                f"{row['cpu_p50']:.1f} | {row['queries']} | {row['sql_ms']:.1f} | {verdict} |"
            )
        out += [
            "",
            "| baseline: raw SQL, top 25 by amount + ageing buckets | user | runs | p50 | p95 | "
            "default-sort page p95 / SQL p95 |",
            "|---|---|---:|---:|---:|---:|",
        ]
        kinds = {"table": "on the pre-grouped table (what the page reads)", "live": "grouped live from the bills"}
        for raw in arr["raw"].values():
            role = raw.get("role", "")
            page = next((r for r in arr["pages"] if r["user"] == role and r["status"] == 200), None)
            ratio = f"{page['p95'] / raw['p95']:.2f}" if page else "–"
            out.append(
                f"| {kinds.get(raw.get('kind', ''), 'grouped live from the bills')} | {role} | "
                f"{raw.get('runs', arr['runs'])} | {raw['p50']:.1f} | {raw['p95']:.1f} | {ratio} |"
            )
        out.append("")
        if data.get("arrears_note"):
            out += [data["arrears_note"], ""]
    return "\n".join(out)


def _checked_row(gen: dict[str, Any]) -> list[str]:
    checked = gen.get("baseline_keys_checked")
    if not checked:  # measured before the foreign-key-checked baseline existed
        return []
    ratio = checked["seconds"] / gen["baseline"]["seconds"]
    return [
        f"| baseline, foreign keys checked as at commit | {checked['bills']:,} | {checked['lines']:,} | "
        f"{checked['seconds']:.1f} | {checked['bills'] / checked['seconds']:,.0f} | 3 | {checked['seconds']:.1f} | "
        f"{ratio:.1f} |"
    ]


def write_section(path: Path, section: str) -> None:
    block = f"{START}\n{section}{END}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench.billing measures the PostgreSQL ledger bench.billing_generate loads")
    store = Path(settings.BASE_DIR) / "var" / "bench_billing.json"
    data: dict[str, Any] = json.loads(store.read_text()) if store.exists() else {}
    parts = {p for p in args.only.split(",") if p} if not args.render_only else set()
    if "arrears" in parts:
        data["arrears"] = run_arrears(args.runs, args.warmup, args.explain)
    if "generation" in parts:
        data["generation"] = run_generation(args.sample, args.service_sample)
    if parts or "info" not in data:
        data["info"] = machine_info()
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text(json.dumps(data, indent=1, default=str))
    if not args.no_write:
        path = Path(settings.BASE_DIR) / "BENCHMARKS.md"
        write_section(path, render_section(data))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
