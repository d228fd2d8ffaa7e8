"""Time recording one payment end to end through the service (payment_record), on the
national ledger, each payment in a transaction rolled back afterwards.

    .venv/bin/python -m bench.payments [--runs 60] [--warmup 5] [--coordinators 3] [--profile FILE]

Run bench.generate and bench.billing_generate first. The participants are those of the
busiest coordinators (the coordinator records the payment, as at the counter), taken in
a fixed order so two runs (or two trees of the code) time the same payments. A mix of
kinds, in turn:

* ``settle``: pays the oldest open bill in full (participants with open bills);
* ``settle all``: pays every open bill (a late payer's whole arrears);
* ``prepay 3``: three months ahead (``prepaid_months=3``; the service issues the bills);
* ``reactivate``: a late payer lapsed by the lapse rule first (coverage_refresh, inside
  the same transaction and not timed, since the ledger has no non-active participant),
  then paying all their arrears, which reactivates them. Only where the rule lapses them.

Timed: the ``payment_record`` call alone, inside an outer transaction that is rolled back
afterwards (so the service's own transaction is a savepoint and its COMMIT is not
timed; nothing is kept: the bench database is shared). Queries are counted on the same
calls. Works against any tree whose ``payment_record(actor=, participant=, data=,
submission_key=)`` has this signature (run it from that tree's directory). Prints; writes
nothing. ``--profile FILE`` writes a pyinstrument HTML/text profile of the timed calls
instead of timing (if pyinstrument is installed; cProfile otherwise).
"""

import argparse
import math
import os
import statistics
import sys
import time
import uuid
from collections.abc import Sequence
from typing import Any

from .django_setup import setup

KINDS = ("settle", "settle all", "prepay 3", "reactivate")


class Rollback(Exception):
    pass


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)] if ordered else float("nan")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.payments", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--coordinators", type=int, default=3, help="take participants from the N busiest")
    parser.add_argument("--profile", default="", help="profile the timed calls into this file instead")
    return parser.parse_args(argv)


def pick(n: int, coordinators: int) -> list[tuple[str, Any, Any]]:
    """(kind, coordinator, participant id) for n payments, in a fixed order."""
    from django.db.models import Count

    from lindung.accounts.models import User
    from lindung.billing.models import Bill, ParticipantArrears
    from lindung.participants.models import Participant

    busiest = list(
        Participant.objects.filter(coordinator__isnull=False)
        .values("coordinator")
        .annotate(n=Count("id"))
        .order_by("-n", "coordinator")[:coordinators]
    )
    users = {u.pk: u for u in User.objects.filter(pk__in=[b["coordinator"] for b in busiest])}
    per_kind = n // len(KINDS) + 2
    wanted: dict[str, list[tuple[Any, int]]] = {k: [] for k in KINDS}
    for row in busiest:
        coordinator = users[row["coordinator"]]
        mine = Participant.objects.filter(coordinator=coordinator, status="active")
        with_open = (
            Bill.objects.filter(participant__in=mine, settled_on__isnull=True)
            .values_list("participant_id", flat=True)
            .distinct()
            .order_by("participant_id")
        )
        late = ParticipantArrears.objects.filter(participant__in=mine)
        few = list(late.filter(months_owed__lte=2).order_by("participant_id").values_list("participant_id", flat=True))
        many = list(late.filter(months_owed__gte=4).order_by("participant_id").values_list("participant_id", flat=True))
        any_open = list(with_open[: per_kind * 4])
        wanted["settle"] += [(coordinator, pk) for pk in any_open[: per_kind * 2 : 2]]
        wanted["settle all"] += [(coordinator, pk) for pk in few[:per_kind]]
        wanted["prepay 3"] += [(coordinator, pk) for pk in any_open[1 : per_kind * 2 : 2]]
        wanted["reactivate"] += [(coordinator, pk) for pk in many[:per_kind]]
    out = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        coordinator, pk = wanted[kind][i // len(KINDS) % len(wanted[kind])]
        out.append((kind, coordinator, pk))
    return out


def one(kind: str, coordinator: Any, participant_id: int, method: Any, counter: list[int]) -> tuple[float, str]:
    """Time one payment inside a transaction rolled back; returns (ms, what happened)."""
    from django.db import transaction
    from django.utils import timezone

    from lindung.billing.models import Bill

    try:  # billing's packages (after issue 8); the flat modules before, for the baseline tree
        from lindung.billing.bills.coverage import coverage_refresh
        from lindung.billing.payments.services import PaymentInput, payment_record
    except ImportError:
        from lindung.billing.coverage import coverage_refresh  # type: ignore[no-redef]

        from lindung.billing.payments import PaymentInput, payment_record  # type: ignore[no-redef]
    from lindung.participants.models import Participant

    today = timezone.localdate()
    elapsed, what = float("nan"), kind
    try:
        with transaction.atomic():
            participant = Participant.objects.get(pk=participant_id)
            open_bills = list(Bill.objects.filter(participant=participant, settled_on__isnull=True).order_by("month"))
            if kind == "settle":
                amount = open_bills[0].amount - open_bills[0].paid_amount
                prepaid = 0
            elif kind == "prepay 3":
                amount = 3 * open_bills[-1].amount
                prepaid = 3
            else:  # settle all, reactivate
                amount = sum(b.amount - b.paid_amount for b in open_bills)
                prepaid = 0
            if kind == "reactivate":
                before = participant.status
                after = coverage_refresh(participant, today)
                participant = Participant.objects.get(pk=participant_id)
                if after == before:
                    what = "settle all (rule did not lapse)"
            data = PaymentInput(amount=amount, paid_on=today, method=method, prepaid_months=prepaid)
            counter[0] = 0
            started = time.perf_counter()
            payment_record(
                actor=coordinator, participant=participant, data=data, submission_key=f"bench-{uuid.uuid4().hex}"
            )
            elapsed = (time.perf_counter() - started) * 1000
            if kind == "reactivate" and what == kind:
                status = Participant.objects.filter(pk=participant_id).values_list("status", flat=True).get()
                if status != "active":
                    what = f"reactivate (still {status})"
            raise Rollback
    except Rollback:
        pass
    return elapsed, what


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    from django.db import connection

    from lindung.billing.models import PaymentMethod

    method = PaymentMethod.objects.filter(is_active=True, needs_reference=False).order_by("pk").first()
    if method is None:
        sys.exit("No active payment method without a reference: run bench.billing_generate first.")
    plan = pick(args.warmup + args.runs, args.coordinators)
    counter = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counter[0] += 1
        return execute(sql, params, many, context)

    profiler: Any = None
    if args.profile:
        try:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
        except ImportError:
            import cProfile

            profiler = cProfile.Profile()
    times: dict[str, list[float]] = {}
    queries: dict[str, list[int]] = {}
    with connection.execute_wrapper(count):
        for i, (kind, coordinator, pk) in enumerate(plan):
            if profiler is not None and i == args.warmup:
                profiler.enable() if hasattr(profiler, "enable") else profiler.start()
            ms, what = one(kind, coordinator, pk, method, counter)
            if i < args.warmup:
                continue
            times.setdefault(what, []).append(ms)
            queries.setdefault(what, []).append(counter[0])
    if profiler is not None:
        if hasattr(profiler, "enable"):
            profiler.disable()
            profiler.dump_stats(args.profile)
        else:
            profiler.stop()
            with open(args.profile, "w", encoding="utf-8") as handle:
                handle.write(profiler.output_text(unicode=True, color=False, show_all=False))
        print(f"profile written to {args.profile}")
    every = [t for ts in times.values() for t in ts]
    every_q = [q for qs in queries.values() for q in qs]
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"payments: {len(every)} timed after {args.warmup} warm-ups; load {load}; tree {os.getcwd()}")
    for what in sorted(times):
        ts, qs = times[what], queries[what]
        print(
            f"  {what:<34} n {len(ts):>3}  median {statistics.median(ts):7.1f}  p95 {pct(ts, 95):7.1f} ms"
            f"  queries {statistics.median(qs):5.1f} (min {min(qs)}, max {max(qs)})"
        )
    print(
        f"  {'all':<34} n {len(every):>3}  median {statistics.median(every):7.1f}  p95 {pct(every, 95):7.1f} ms"
        f"  queries {statistics.mean(every_q):5.1f} mean, {statistics.median(every_q):.0f} median"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
