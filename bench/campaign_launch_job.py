"""Launching a 250,000-person campaign from the page (MSG-4, UI-5): how long the request
part takes (check and queue the job) and how long the background job plans, in slices
of participant ids, at 1,000,000 participants.

    DATABASE_URL=postgres://.../lindung_h9bench .venv/bin/python -m bench.campaign_launch_job \
        [--participants 1000000] [--late 250000] [--runs 3]

PostgreSQL only; uses bench/campaign_plan.py's data set (made on first use), creates a
campaign per run and deletes its rows afterwards: never point it at a database whose
data you must keep unchanged."""

import argparse
import statistics
import sys
from collections.abc import Sequence

from .campaign_plan import make_data, timed
from .django_setup import setup


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.campaign_launch_job")
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--late", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    setup()
    from django.db import connection, transaction

    from lindung.jobs import services as jobs
    from lindung.jobs.models import Job
    from lindung.messaging import outbox
    from lindung.messaging.campaign_models import Campaign, MessageTemplate
    from lindung.messaging.campaigns import launching
    from lindung.messaging.campaigns.launching import campaign_launch_start
    from lindung.messaging.campaigns.services import segment_save
    from lindung.messaging.models import OutboxMessage

    if connection.vendor != "postgresql":
        print("PostgreSQL only: set DATABASE_URL", file=sys.stderr)
        return 2
    # Time planning, not sending: no dispatcher is kicked, and the job is run here by hand
    # (as a worker would) rather than at commit.
    outbox.kick = launching.kick = lambda: None
    jobs._dispatch = lambda job_id: None
    admin, _busiest = make_data(args.participants, args.late)
    template = MessageTemplate.objects.order_by("pk").first()
    segment = segment_save(actor=admin, name="bench: late payers (launch job)", criteria={"standing": "late"})
    request_ms, job_s, rows = [], [], 0
    for run in range(args.runs):
        campaign = Campaign.objects.create(
            name=f"bench launch {run}", template=template, segment=segment, created_by=admin
        )
        seconds, job = timed(lambda: transaction.atomic()(campaign_launch_start)(actor=admin, campaign=campaign))  # noqa: B023
        request_ms.append(seconds * 1000)
        seconds, _ = timed(lambda: jobs.job_run(job.pk))  # noqa: B023
        job_s.append(seconds)
        job.refresh_from_db()
        rows = OutboxMessage.objects.filter(source=campaign.source).count()
        print(
            f"run {run}: request {request_ms[-1]:.0f} ms, job {seconds:.1f} s, {rows:,} rows, "
            f"{job.total} slices, {job.status}",
            flush=True,
        )
        OutboxMessage.objects.filter(source=campaign.source).delete()
        Campaign.objects.filter(pk=campaign.pk).delete()
        Job.objects.filter(pk=job.pk).delete()
    print(
        f"median: request {statistics.median(request_ms):.0f} ms, job {statistics.median(job_s):.1f} s, {rows:,} rows"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
