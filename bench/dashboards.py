"""Time the admin and coordinator dashboards (the home page) beside the raw SQL of the same
aggregates, and how long a new payment takes to show.

    .venv/bin/python -m bench.dashboards [--runs 20] [--cold-runs 5] [--no-write]

*cold*: no current snapshot before each request (as after any write), so every figure is
read again (what the first viewer after a write waits for when computing is quick,
and what the background refresh costs when it is not). *warm*: the snapshot is current
(no write since it was made): the watermark query and the small live counts only.
*raw SQL*: the baseline: the same figures aggregated straight from participants, bills
and payments (dashboard.live_figures, what the page did before the summary tables), its
queries replayed through a cursor with no Django around them. *reflect*: a payment is
recorded inside a transaction that is rolled back afterwards (the bench database is
shared; nothing is kept), then the dashboard is requested until its "contributions this month" includes it.
"""

import argparse
import math
import sys
import time
import uuid
from collections.abc import Sequence
from typing import Any

from .django_setup import setup
from .pages import machine_info, pick_subjects

BUDGET_MS = 300.0
START, END = "<!-- bench:dashboards:start -->", "<!-- bench:dashboards:end -->"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)] if ordered else float("nan")


def timed_get(client: Any, url: str) -> tuple[float, Any]:
    started = time.perf_counter()
    response = client.get(url)
    return (time.perf_counter() - started) * 1000, response


def run_page(client: Any, url: str, runs: int, cold: bool) -> dict[str, Any]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lindung.reports import dashboard_cache

    client.get(url)  # warm-up: connection, templates, snapshot
    times = []
    version = dashboard_cache.VERSION
    for run in range(runs):
        if cold:
            # As after a write: no current snapshot (a fresh key space), other caches kept.
            dashboard_cache.VERSION = f"{version}-bench-{time.time_ns()}-{run}"
        elapsed, response = timed_get(client, url)
        assert response.status_code == 200, response.status_code
        times.append(elapsed)
    dashboard_cache.VERSION = version
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return {"times": times, "queries": list(ctx.captured_queries)}


AGGREGATE_TABLES = ("participants_participant", "billing_bill", "billing_payment")


def live_queries(user: Any, filters: dict[str, Any]) -> list[dict[str, str]]:
    """The queries of the live aggregation of the same figures (no summary tables)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from lindung.reports.dashboard import live_figures, running_year

    today = timezone.localdate()
    with CaptureQueriesContext(connection) as ctx:
        live_figures(user, filters, running_year(today), today)
    return list(ctx.captured_queries)


def raw_sql(queries: list[dict[str, str]], runs: int) -> list[float]:
    """Replays the aggregate queries (those reading participants, bills or payments) as
    plain SQL."""
    from django.db import connection

    wanted = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT") and any(t in q["sql"] for t in AGGREGATE_TABLES)
    ]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in wanted:
                cursor.execute(sql)
                cursor.fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return times


def reflect(admin: Any, coordinator: Any) -> tuple[float, int] | None:
    """ms from a payment's recording until the admin dashboard's figures (the view's own
    loading path, without rendering) include it, and how many loads that took."""
    from django.db import transaction
    from django.utils import timezone

    from lindung.billing.models import Bill, PaymentMethod
    from lindung.billing.payments.services import PaymentInput, payment_record

    bill = Bill.objects.filter(participant__coordinator=coordinator, settled_on__isnull=True).first()
    method = PaymentMethod.objects.filter(is_active=True, needs_reference=False).first()
    if bill is None or method is None:
        return None
    from django.test import RequestFactory

    from lindung.reports.dashboard_views import _load

    def shown() -> int:
        request = RequestFactory().get("/")
        request.user = admin
        return int(_load(request)[3].data["contributions_month"])

    before = shown()

    class Rollback(Exception):
        pass

    result: tuple[float, int] | None = None
    try:
        with transaction.atomic():
            started = time.perf_counter()
            payment_record(
                actor=coordinator,
                participant=bill.participant,
                data=PaymentInput(amount=1_000, paid_on=timezone.localdate(), method=method),
                submission_key=f"bench-{uuid.uuid4().hex}",
            )
            for attempt in range(1, 20):
                if shown() == before + 1_000:
                    result = ((time.perf_counter() - started) * 1000, attempt)
                    break
            raise Rollback
    except Rollback:
        pass
    return result


def render(
    rows: list[tuple[str, str, dict[str, Any]]],
    baseline: dict[str, list[float]],
    info: dict[str, str],
    reflected: dict[str, Any],
    args: argparse.Namespace,
) -> str:
    lines = [
        "## Dashboards (admin and coordinator home page)",
        "",
        f"Measured {info['date']} on {info['machine']}; {info['database']}; {info['rows']}; {info['billing']}.",
        "",
        f"Reproduce: `DATABASE_URL=... .venv/bin/python -m bench.dashboards --runs {args.runs} "
        f"--cold-runs {args.cold_runs}`. Budget: p95 under {BUDGET_MS:.0f} ms. In-process requests "
        "(real middleware, sessions, templates, DEBUG off), wall time in ms. *cold*: no current snapshot "
        "(as after any write), every figure read again (from the summary tables of lindung.tallies; with a "
        "village filter, counted live); *warm*: the snapshot is current (watermark query + small live counts). "
        "*raw SQL*: the baseline, the same figures aggregated straight from participants, bills and payments "
        "(the queries of `dashboard.live_figures`) replayed through a bare cursor. The machine is shared: "
        f"load average {info['load']}.",
        "",
        "| dashboard | user | mode | p50 | p95 | queries | raw SQL p50 | raw SQL p95 | p95 / raw SQL p95 | budget |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, user, result in rows:
        base = baseline.get(f"{label}/{user}")
        ratio = f"{pct(result['times'], 95) / pct(base, 95):.2f}" if base else ""
        verdict = "ok" if pct(result["times"], 95) < BUDGET_MS else "**over**"
        lines.append(
            f"| {label} | {user} | {result['mode']} | {pct(result['times'], 50):.1f} | "
            f"{pct(result['times'], 95):.1f} | {len(result['queries'])} | "
            f"{pct(base, 50):.1f} | {pct(base, 95):.1f} | {ratio} | {verdict} |"
            if base
            else f"| {label} | {user} | {result['mode']} | {pct(result['times'], 50):.1f} | "
            f"{pct(result['times'], 95):.1f} | {len(result['queries'])} | | | | {verdict} |"
        )
    lines.append("")
    if reflected:
        lines.append(
            f"A new payment showed on the admin dashboard {reflected['ms']:.0f} ms after it was recorded "
            f"({reflected['requests']} request(s)): the payment's transaction updates the summary tables, and the "
            "snapshot's watermark changed, so the figures were read again."
        )
    else:
        lines.append("Time to reflect a payment: not measured (no open bill or no cash method in the database).")
    return "\n".join(lines) + "\n"


def write_section(path: str, section: str) -> None:
    block = f"{START}\n{section}{END}\n"
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        text = "# Benchmarks\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboards")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    setup()
    from django.conf import settings
    from django.test import Client

    from lindung.billing.models import Bill, Payment

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Refresh in the request, so the reflect measurement sees its own uncommitted payment.
    settings.LINDUNG_DASHBOARD_REFRESH = "inline"
    subjects = pick_subjects()
    clients = {}
    for role in ("admin", "coordinator"):
        client = Client()
        client.force_login(subjects[role])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        clients[role] = client
    from lindung.participants.models import Participant

    district = subjects["district"]["admin"]
    village = Participant.objects.filter(district_id=district).values_list("village_id", flat=True).first()
    pages = [
        ("home", "admin", "/", {}),
        ("home, one district", "admin", f"/?district={district}", {"district": district}),
        ("home, one village (live)", "admin", f"/?district={district}&village={village}", {"village": village}),
        ("home", "coordinator", "/", {}),
    ]
    rows, baseline = [], {}
    for label, role, url, filters in pages:
        for mode, runs in (("cold", args.cold_runs), ("warm", args.runs)):
            result = run_page(clients[role], url, runs, cold=mode == "cold")
            result["mode"] = mode
            rows.append((label, role, result))
            if mode == "cold":
                queries = live_queries(subjects[role], filters)
                baseline[f"{label}/{role}"] = raw_sql(queries, args.cold_runs)
            print(
                f"{label:<20} {role:<12} {mode:<5} p50 {pct(result['times'], 50):8.1f}  "
                f"p95 {pct(result['times'], 95):8.1f} ms  {len(result['queries'])} queries",
                flush=True,
            )
    for key, times in baseline.items():
        print(f"raw SQL {key:<30} p50 {pct(times, 50):8.1f}  p95 {pct(times, 95):8.1f} ms", flush=True)
    got = reflect(subjects["admin"], subjects["coordinator"])
    reflected = {"ms": got[0], "requests": got[1]} if got else {}
    print(f"reflect: {reflected or 'not measured'}", flush=True)
    info = machine_info(subjects)
    info["billing"] = f"{Bill.objects.count():,} bills, {Payment.objects.count():,} payments"
    if not args.no_write:
        path = str(settings.BASE_DIR / "BENCHMARKS.md")
        write_section(path, render(rows, baseline, info, reflected, args))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
