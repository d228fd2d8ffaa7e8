from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from lindung.core.tests.factories import AdminFactory, CoordinatorFactory
from lindung.jobs import services
from lindung.jobs.models import Job, JobStatus
from lindung.jobs.registry import job_handler

pytestmark = pytest.mark.django_db

RUNS: list[int] = []


@job_handler("test_count")
def _count(job, report):
    RUNS.append(job.pk)
    total = job.params["n"]
    for i in range(total):
        report(i + 1, total)
    job.result = {"counted": total}
    job.result_file.save("out.txt", ContentFile(b"done"), save=False)
    job.result_name = "out.txt"


@job_handler("test_fail")
def _fail(job, report):
    report(1, 10)
    raise RuntimeError("the file has no header row")


def test_a_job_runs_at_commit_and_records_its_outcome(django_capture_on_commit_callbacks):
    user = CoordinatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_enqueue(actor=user, kind="test_count", params={"n": 3})
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.progress == 3 and job.total == 3
    assert job.result == {"counted": 3} and job.result_file.read() == b"done"
    assert job.percent == 100


def test_a_job_runs_once_even_if_delivered_twice(django_capture_on_commit_callbacks):
    RUNS.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_enqueue(actor=CoordinatorFactory(), kind="test_count", params={"n": 1})
    assert services.job_run(job.pk) is False
    assert [job.pk] == RUNS


def test_a_failure_is_kept_with_its_reason(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_enqueue(actor=CoordinatorFactory(), kind="test_fail")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "no header row" in job.message and job.progress == 1


def test_unknown_kinds_are_refused_before_queueing():
    with pytest.raises(LookupError):
        services.job_enqueue(actor=CoordinatorFactory(), kind="nope")
    assert not Job.objects.exists()


def test_stale_jobs_are_requeued_then_given_up(settings):
    settings.LINDUNG_JOBS_MODE = "inline"
    user = CoordinatorFactory()
    old = timezone.now() - timedelta(hours=1)
    crashed = Job.objects.create(
        kind="test_count", params={"n": 2}, created_by=user, status=JobStatus.RUNNING, started_at=old, attempts=1
    )
    hopeless = Job.objects.create(
        kind="test_count", params={"n": 2}, created_by=user, status=JobStatus.RUNNING, started_at=old, attempts=3
    )
    Job.objects.filter(pk=crashed.pk).update(created_at=old)
    services.jobs_requeue_stale(older_than=timedelta(minutes=10))
    crashed.refresh_from_db()
    hopeless.refresh_from_db()
    assert crashed.status == JobStatus.SUCCEEDED and crashed.attempts == 2
    assert hopeless.status == JobStatus.FAILED


def test_progress_and_download_are_the_creators_only(client, django_capture_on_commit_callbacks):
    owner, other, admin = CoordinatorFactory(), CoordinatorFactory(), AdminFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_enqueue(actor=owner, kind="test_count", params={"n": 1})
    urls = [reverse("jobs:detail", args=[job.pk]), reverse("jobs:download", args=[job.pk])]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(other)
    for url in urls:
        assert client.get(url).status_code == 404
    for user in (owner, admin):
        client.force_login(user)
        assert client.get(urls[0]).status_code == 200
        response = client.get(urls[1])
        assert response.status_code == 200 and b"".join(response.streaming_content) == b"done"


def test_progress_fragment_for_htmx_polling(client):
    owner = CoordinatorFactory()
    job = Job.objects.create(kind="test_count", created_by=owner, status=JobStatus.RUNNING, progress=5, total=10)
    client.force_login(owner)
    fragment = client.get(reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "<html" not in fragment and 'value="50"' in fragment
