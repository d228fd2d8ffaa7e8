"""Time the claims dashboard at a branch's scale of claims.

    .venv/bin/python -m bench.generate --participants 50000 --coordinators 50
    .venv/bin/python -m bench.claims_dashboard --claims 200000 [--runs 20]

Adds claims (spread over statuses, ages, programs and a few officers) to the
participants already there, once; then times the dashboard's figures as an
administrator, a claims officer and a coordinator, and a coordinator's work queue
(its first page, as the queue view reads it), and prints p50 / p95 in ms.
"""

import argparse
import datetime
import random
import statistics
import time
from collections.abc import Sequence
from typing import Any

from .django_setup import setup

OFFICERS = 8
BATCH = 10_000


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.claims_dashboard", description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def ensure_claims(n: int, rng: random.Random) -> list[Any]:
    from django.utils import timezone

    from lindung.accounts.models import Duty, Role, User
    from lindung.claims.claim import Claim, ClaimProgram, ClaimStatus
    from lindung.participants.models import Participant

    officers = []
    for index in range(OFFICERS):
        user, _ = User.objects.get_or_create(username=f"bench_officer_{index}", defaults={"role": Role.OFFICER})
        user.duties.add(Duty.objects.get(code="claims_services"))
        officers.append(user)
    have = Claim.objects.count()
    if have >= n:
        return officers
    # (id, coordinator, district): the claim carries copies of the last two, as drafted.
    owners = list(Participant.objects.values_list("pk", "coordinator_id", "district_id"))
    now, today = timezone.now(), timezone.localdate()
    statuses = ClaimStatus.values
    rows = []
    for _ in range(n - have):
        status = rng.choice(statuses)
        age = rng.randint(0, 60)
        participant_id, coordinator_id, district_id = rng.choice(owners)
        rows.append(
            Claim(
                participant_id=participant_id,
                coordinator_id=coordinator_id,
                district_id=district_id,
                program=rng.choice(ClaimProgram.values),
                status=status,
                status_changed_at=now - datetime.timedelta(days=age, hours=rng.randint(0, 23)),
                submitted_on=None if status == ClaimStatus.DRAFT else today - datetime.timedelta(days=age + 3),
                officer=rng.choice([None, *officers]),
            )
        )
        if len(rows) == BATCH:
            Claim.objects.bulk_create(rows)
            rows = []
    Claim.objects.bulk_create(rows)
    return officers


def timed(label: str, fn: Any, runs: int) -> None:
    fn()  # warm the caches and the query plans once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
    print(f"{label}: p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms ({runs} runs)")


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    setup()
    from lindung.accounts.models import User
    from lindung.claims.claim import Claim
    from lindung.claims.dashboard.selectors import dashboard
    from lindung.claims.selectors import claims_for

    officers = ensure_claims(args.claims, random.Random(args.seed))
    print(f"claims: {Claim.objects.count():,}")
    admin = User.objects.get(username="bench_admin")
    coordinator = User.objects.get(username="bench_coord_001")
    for label, user in (("admin", admin), ("claims officer", officers[0]), ("coordinator", coordinator)):
        timed(f"dashboard as {label}", lambda user=user: dashboard(claims_for(user)), args.runs)
    timed("work queue as coordinator (first page)", lambda: queue_page(claims_for(coordinator)), args.runs)


def queue_page(claims: Any) -> list[Any]:
    """The work queue's read (claims/views.py queue): its first page, by key, no count."""
    from lindung.claims.paging import keyset_page
    from lindung.claims.views import QUEUE_PAGE_SIZE

    return keyset_page(claims, size=QUEUE_PAGE_SIZE).rows


if __name__ == "__main__":
    main()
