"""Launching a campaign from a page or the API as a background job (UI-5, MSG-4).

A segment of hundreds of thousands of participants takes the database a while to plan;
the request only checks that the launch is allowed and queues the job, then answers.
The job moves the campaign to running and writes its outbox rows in slices of
participant ids, one transaction each, reporting progress after each slice, so the
dispatcher starts on the first slice while the rest are planned. Every slice is the
idempotent ``INSERT ... ON CONFLICT DO NOTHING`` of planning.py: a job run again (a
worker died, the reaper sent it again) adds only what is missing. A campaign cancelled
meanwhile stops the planning; a paused one keeps being planned and waits.

The reminder policy and the scheduled-start clock launch in their own periodic tasks
and keep calling ``campaign_launch`` directly (services.py)."""

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.core import access
from lindung.jobs.models import Job, JobStatus
from lindung.jobs.registry import Reporter, job_handler
from lindung.jobs.services import job_enqueue
from lindung.participants.models import Participant

from ..campaign_models import Campaign, CampaignStatus
from ..models import OutboxMessage
from ..outbox import kick
from .planning import campaign_plan, plan_segment
from .states import campaign_states

LAUNCH_JOB = "messaging.campaign_launch"
SLICE = 50_000  # participant ids per planning transaction


def campaign_launch_start(*, actor: User, campaign: Campaign) -> Job:
    """Check that ``actor`` may launch the campaign now and queue its planning job;
    a launch already queued or running is returned instead of a second one."""
    principal = access.principal_of(actor)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update(of=("self",)).select_related("launch_job").get(pk=campaign.pk)
        if locked.launch_job is not None and not locked.launch_job.is_done:
            return locked.launch_job
        replanning = locked.status in (CampaignStatus.RUNNING, CampaignStatus.PAUSED) and (
            locked.launch_job is not None and locked.launch_job.status == JobStatus.FAILED
        )
        if replanning:
            # Its planning job failed halfway: planning again adds only what is missing.
            access.require(principal, locked, "launch")
        else:
            campaign_states.check(locked, campaign_states.transitions["launch"], principal)
        job = job_enqueue(actor=actor, kind=LAUNCH_JOB, params={"campaign": campaign.pk})
        Campaign.objects.filter(pk=campaign.pk).update(launch_job=job)
    campaign.launch_job = job
    return job


def still_planning(campaign: Campaign) -> bool:
    """True while the campaign's launch job has not finished (it must not be settled)."""
    if campaign.launch_job_id is None:
        return False
    return Job.objects.filter(pk=campaign.launch_job_id, finished_at__isnull=True).exists()


@job_handler(LAUNCH_JOB)
def campaign_launch_job(job: Job, report: Reporter) -> None:
    campaign = Campaign.objects.select_related("template", "segment", "stage", "created_by").get(
        pk=job.params["campaign"]
    )
    if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
        with transaction.atomic():
            campaign_states.move(campaign, "launch", actor=job.created_by)
            Campaign.objects.filter(pk=campaign.pk).update(started_at=timezone.now())
    elif campaign.status not in (CampaignStatus.RUNNING, CampaignStatus.PAUSED):
        job.message = _("Nothing to plan: the campaign is %(status)s.") % {"status": campaign.get_status_display()}
        return
    if campaign.stage_id:
        # A policy stage holds back its control group over the whole plan at once.
        with transaction.atomic():
            campaign_plan(campaign)
            transaction.on_commit(kick)
        report(1, 1)
    else:
        _plan_in_slices(campaign, report)
    planned = OutboxMessage.objects.filter(source=campaign.source).count()
    Campaign.objects.filter(pk=campaign.pk).update(planned=planned)
    job.message = _("%(count)s messages planned.") % {"count": planned}
    job.result = {"planned": planned}


def _plan_in_slices(campaign: Campaign, report: Reporter) -> None:
    bounds = campaign.segment and _id_bounds()
    if not bounds:
        report(0, 0)
        return
    low, high = bounds
    slices = range(low, high + 1, SLICE)
    report(0, len(slices))
    for done, start in enumerate(slices, start=1):
        if Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.CANCELLED).exists():
            return
        with transaction.atomic():
            plan_segment(campaign, ids=(start, start + SLICE))
            transaction.on_commit(kick)  # the dispatcher starts on what is written
        report(done, len(slices))


def _id_bounds() -> tuple[int, int] | None:
    bounds = Participant.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return None
    return int(bounds["low"]), int(bounds["high"])
