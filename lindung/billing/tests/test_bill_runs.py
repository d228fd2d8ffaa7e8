"""Bill runs from the page (admin only, as a job), the schedule and coverage refresh."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from lindung.billing.bills.jobs import BILL_RUN_KIND, generate_bills_task, refresh_coverage_task
from lindung.billing.bills.services import bills_missing_count
from lindung.billing.models import Bill
from lindung.billing.schedule import BILLING_BEAT_SCHEDULE
from lindung.billing.tests.arrears_data import bill, late_payer, months_ago, this_month
from lindung.billing.tests.factories import informal_participant
from lindung.jobs.models import Job, JobStatus
from lindung.participants.models import Participant, Status

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


def test_who_may_open_the_page(client, admin, coord_a):
    url = reverse("billing:bill_run")
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(coord_a)
    assert client.get(url).status_code == 403
    assert client.post(url, {"month": "2026-03"}).status_code == 403
    client.force_login(admin)
    assert client.get(url).status_code == 200


def test_page_shows_who_lacks_a_bill(client, admin):
    informal_participant()
    informal_participant()
    billed = informal_participant()
    bill(billed, MARCH)
    assert bills_missing_count(MARCH) == 2
    client.force_login(admin)
    page = client.get(reverse("billing:bill_run"), {"month": "2026-03"}).content.decode()
    assert "2 active participants have no bill for March 2026 yet." in page


def test_a_run_is_a_job_with_its_result(client, admin, coord_a, django_capture_on_commit_callbacks):
    informal_participant()
    no_income = informal_participant(declared_income=None)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("billing:bill_run"), {"month": "2026-03"})
    job = Job.objects.get(kind=BILL_RUN_KIND)
    assert response["Location"] == reverse("billing:bill_run_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.result["created"] == 1 and job.result["problem_count"] == 1
    assert Bill.objects.filter(month=MARCH).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert reverse("participants:detail", args=[no_income.pk]) in page and "no declared income" in page
    assert client.get(response["Location"], headers={"HX-Request": "true"}).content.decode().startswith("\n<article")
    client.force_login(coord_a)
    assert client.get(response["Location"]).status_code == 403


def test_a_bad_month_is_an_error_next_to_the_field(client, admin):
    client.force_login(admin)
    response = client.post(reverse("billing:bill_run"), {"month": "March"})
    assert response.status_code == 200 and not Job.objects.exists()
    assert "Enter a valid date" in response.content.decode()


def test_schedule_names_registered_tasks():
    from config.celery import app

    app.loader.import_default_modules()
    for entry in BILLING_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
    assert BILLING_BEAT_SCHEDULE["billing-generate-bills"]["schedule"].day_of_month == {1}


def test_monthly_task_bills_the_current_month():
    p = informal_participant(registration_date=months_ago(2))
    result = generate_bills_task()
    assert result is not None and result["created"] == 1
    assert Bill.objects.get(participant=p).month == this_month()


def test_refresh_coverage_lapses_and_reactivates(capsys, coord_a):
    lapsing = late_payer(coord_a, 3, registration_date=months_ago(6))
    fine = late_payer(coord_a, 1, registration_date=months_ago(6))
    back = informal_participant(status=Status.NON_ACTIVE)
    exited = late_payer(coord_a, 5, status=Status.EXITED)
    call_command("refresh_coverage")
    statuses = dict(Participant.objects.values_list("pk", "status"))
    assert statuses[lapsing.pk] == Status.NON_ACTIVE
    assert statuses[fine.pk] == Status.ACTIVE
    assert statuses[back.pk] == Status.ACTIVE  # owes nothing: active again
    assert statuses[exited.pk] == Status.EXITED  # a person's decision, never touched
    assert "3 participants checked, 1 became non-active, 1 active again" in capsys.readouterr().out
    # Now only the lapsed one and the one still owing a month are candidates.
    assert refresh_coverage_task()["checked"] == 2


def test_bulk_streaks_match_the_one_by_one_count(coord_a):
    from lindung.billing.bills.coverage import _unpaid_streaks, unpaid_streak

    people = [late_payer(coord_a, n) for n in (0, 1, 4)]
    gap = informal_participant(coordinator=coord_a)
    bill(gap, months_ago(3))
    bill(gap, months_ago(2), paid=16_800)
    bill(gap, months_ago(1))
    on = this_month()
    bulk = _unpaid_streaks([p.pk for p in [*people, gap]], on)
    for p in [*people, gap]:
        assert bulk.get(p.pk, 0) == unpaid_streak(p, on)
    assert bulk.get(gap.pk) == 1
