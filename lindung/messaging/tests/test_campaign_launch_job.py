"""Launching a campaign from its page plans the outbox rows in a background job
(campaigns/launching.py): the request answers at once, the job plans in slices with
progress, a second run adds nothing, and nobody launches outside their scope."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lindung.jobs.models import Job, JobStatus
from lindung.jobs.services import job_run
from lindung.messaging.campaign_models import Campaign, CampaignStatus
from lindung.messaging.campaigns import launching
from lindung.messaging.campaigns.launching import LAUNCH_JOB, campaign_launch_start
from lindung.messaging.campaigns.services import campaign_cancel, campaign_create, campaign_settle
from lindung.messaging.models import OutboxMessage

from .campaign_helpers import a_template, late_consenting, late_segment, rebuild

pytestmark = pytest.mark.django_db


def _campaign(author, admin, segment_owner=None):
    segment = late_segment(segment_owner or author)
    return campaign_create(actor=author, name="Juni", template=a_template(admin), segment=segment)


def _queued_again(job_id: int) -> None:
    """What the jobs reaper does for a job whose worker died: queue it once more."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.QUEUED, finished_at=None)


def test_launching_from_the_page_answers_at_once_with_a_queued_job(client, admin, coord_a):
    late_consenting(coord_a)
    rebuild()
    campaign = _campaign(admin, admin)
    client.force_login(admin)
    answer = client.post(reverse("messaging:campaign_launch", args=[campaign.pk]))
    assert answer.status_code == 302
    campaign.refresh_from_db()
    # The job runs at commit (a worker, a thread): nothing is planned in the request.
    assert campaign.status == CampaignStatus.DRAFT and not OutboxMessage.objects.exists()
    job = Job.objects.get()
    assert (job.kind, job.status, job.created_by, campaign.launch_job) == (LAUNCH_JOB, JobStatus.QUEUED, admin, job)
    page = client.get(reverse("messaging:campaign_detail", args=[campaign.pk])).content.decode()
    assert 'data-testid="campaign-planning"' in page and 'id="job-progress"' in page
    # A second click while it waits is the same job, not another.
    client.post(reverse("messaging:campaign_launch", args=[campaign.pk]))
    assert Job.objects.count() == 1


def test_the_job_plans_every_row_in_slices_and_reports_progress(admin, coord_a, coord_b, monkeypatch):
    monkeypatch.setattr(launching, "SLICE", 2)
    people = [late_consenting(coord_a) for _ in range(3)] + [late_consenting(coord_b) for _ in range(2)]
    rebuild()
    campaign = _campaign(admin, admin)
    job = campaign_launch_start(actor=admin, campaign=campaign)
    assert job_run(job.pk)
    job.refresh_from_db()
    campaign.refresh_from_db()
    ids = [p.pk for p in people]
    slices = len(range(min(ids), max(ids) + 1, 2))
    assert job.status == JobStatus.SUCCEEDED and (job.progress, job.total) == (slices, slices)
    assert job.result == {"planned": 5} and campaign.planned == 5
    assert campaign.status == CampaignStatus.RUNNING and campaign.started_at is not None
    assert set(OutboxMessage.objects.values_list("participant_id", flat=True)) == set(ids)
    assert set(OutboxMessage.objects.values_list("source", flat=True)) == {campaign.source}


def test_running_the_job_twice_plans_nothing_twice(admin, coord_a):
    for _ in range(3):
        late_consenting(coord_a)
    rebuild()
    campaign = _campaign(admin, admin)
    job = campaign_launch_start(actor=admin, campaign=campaign)
    assert job_run(job.pk)
    assert not job_run(job.pk)  # delivered twice: the second delivery finds it taken
    first = sorted(OutboxMessage.objects.values_list("pk", "dedupe_key"))
    _queued_again(job.pk)  # its worker "died": the reaper runs it again
    assert job_run(job.pk)
    assert sorted(OutboxMessage.objects.values_list("pk", "dedupe_key")) == first
    campaign.refresh_from_db()
    assert campaign.planned == 3 and campaign.status == CampaignStatus.RUNNING


def test_a_coordinators_launch_plans_only_their_own_participants(admin, coord_a, coord_b):
    mine = late_consenting(coord_a)
    late_consenting(coord_b)
    rebuild()
    campaign = _campaign(coord_a, admin)
    job_run(campaign_launch_start(actor=coord_a, campaign=campaign).pk)
    assert set(OutboxMessage.objects.values_list("participant_id", flat=True)) == {mine.pk}
    # A segment naming coordinator B reaches nobody from coordinator A's campaign.
    other = _campaign(coord_a, admin)
    other.segment.criteria = {"standing": "late", "coordinator": coord_b.pk}
    other.segment.save()
    job_run(campaign_launch_start(actor=coord_a, campaign=other).pk)
    assert not OutboxMessage.objects.filter(source=other.source).exists()


def test_a_coordinator_cannot_launch_another_coordinators_campaign(client, admin, coord_a, coord_b):
    late_consenting(coord_a)
    rebuild()
    campaign = _campaign(coord_a, admin)
    client.force_login(coord_b)
    assert client.post(reverse("messaging:campaign_launch", args=[campaign.pk])).status_code == 404
    api = client.post(f"/api/campaigns/{campaign.pk}/launch/")
    assert api.status_code in (403, 404)
    assert not Job.objects.exists() and not OutboxMessage.objects.exists()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT and campaign.launch_job is None


def test_a_campaign_still_planning_is_not_completed_and_a_cancelled_one_stops_planning(admin, coord_a):
    late_consenting(coord_a)
    rebuild()
    campaign = _campaign(admin, admin)
    job = campaign_launch_start(actor=admin, campaign=campaign)
    # Moved to running by the job, nothing written yet: the clock must not complete it.
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.RUNNING)
    campaign.refresh_from_db()
    assert campaign_settle(campaign).status == CampaignStatus.RUNNING
    campaign_cancel(actor=admin, campaign=campaign)
    assert job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and not OutboxMessage.objects.exists()
    assert "cancelled" in job.message.lower() or "dibatalkan" in job.message.lower()


def test_a_launched_campaign_cannot_be_launched_again(admin, coord_a):
    late_consenting(coord_a)
    rebuild()
    campaign = _campaign(admin, admin)
    job_run(campaign_launch_start(actor=admin, campaign=campaign).pk)
    campaign.refresh_from_db()
    with pytest.raises(ValidationError):
        campaign_launch_start(actor=admin, campaign=campaign)
    assert Job.objects.count() == 1
