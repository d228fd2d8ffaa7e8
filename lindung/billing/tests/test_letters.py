"""Contribution notice letters (SPI): content per participant, the PDF, scoping, jobs."""

import datetime
import io
import re
import zipfile
import zlib

import pytest
from django.urls import reverse

from lindung.billing.arrears import views as arrears_views
from lindung.billing.arrears.letters import letter_groups, letter_number, letters_build, render_letters_pdf
from lindung.billing.tests.arrears_data import bill, late_payer, months_ago, wage_earner
from lindung.billing.tests.factories import account_of, cash_method, informal_participant, transfer_method
from lindung.contributions.models import ContributionRule, RuleKind
from lindung.jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db
D = datetime.date
ON = D(2026, 6, 20)


PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def page_count(pdf: bytes) -> int:
    """Page objects in the PDF, also inside compressed object streams: a cheap check."""
    count = len(PAGE.findall(pdf))
    for raw in STREAM.findall(pdf):
        try:
            count += len(PAGE.findall(zlib.decompress(raw)))
        except zlib.error:
            continue
    return count


def test_letter_content_per_participant(coord_a):
    coord_a.phone = "+6281298765432"
    coord_a.save()
    account_of(coord_a)
    p = informal_participant(coordinator=coord_a, full_name="Sari Lestari")
    bill(p, D(2026, 3, 1))
    bill(p, D(2026, 4, 1), paid=6_800)
    bill(p, D(2026, 5, 1), paid=16_800)  # paid: not in the letter
    bill(p, D(2026, 6, 1), due=D(2026, 6, 25))  # not due yet
    (letter,) = letters_build([p.pk], ON)
    assert [(line.month, line.unpaid) for line in letter.lines] == [(D(2026, 3, 1), 16_800), (D(2026, 4, 1), 10_000)]
    assert letter.total == 26_800 and letter.fine_total == 0 and letter.fine_rate is None
    assert letter.lapse_months == 3
    assert letter.coordinator_name == "Budi Alpha" and letter.coordinator_phone == "0812-9876-5432"
    assert [a.coordinator_id for a in letter.accounts] == [coord_a.pk]
    assert letter.number == letter_number(p, ON) == f"{p.pk:06d}/SPI/VI/2026"


def test_the_lapse_months_come_from_the_rule(coord_a):
    ContributionRule.objects.filter(kind=RuleKind.LAPSE).update(months=5)
    p = late_payer(coord_a, 1)
    (letter,) = letters_build([p.pk], months_ago(0).replace(day=20))
    assert letter.lapse_months == 5


def test_wage_earners_letter_carries_the_fine(coord_a):
    p = wage_earner(coord_a)
    bill(p, D(2026, 2, 1), amount=200_000, due=D(2026, 3, 16))
    (letter,) = letters_build([p.pk], ON)
    assert letter.lapse_months is None and letter.fine_rate == 2
    assert letter.fine_total == 200_000 * 2 // 100 * 4


def test_pdf_has_one_page_per_letter_with_the_words_that_matter(coord_a):
    cash_method()
    transfer_method()
    people = [late_payer(coord_a, n) for n in (1, 2, 5)]
    on = months_ago(0).replace(day=20)
    pdf = render_letters_pdf(letters_build([p.pk for p in people], on), on)
    assert pdf.startswith(b"%PDF")
    assert page_count(pdf) == 3


def test_letters_are_grouped_by_coordinator_and_scoped(admin, coord_a, coord_b):
    a1 = late_payer(coord_a, 1, full_name="Zaenal A")
    a2 = late_payer(coord_a, 2, full_name="Agus A")
    b1 = late_payer(coord_b, 3, full_name="Bambang B")
    (mine,) = letter_groups(coord_a, {})
    assert mine.coordinator == coord_a and mine.participant_ids == [a2.pk, a1.pk]  # by name
    assert [g.participant_ids for g in letter_groups(coord_b, {})] == [[b1.pk]]
    everyone = letter_groups(admin, {})
    assert [g.coordinator for g in everyone] == [coord_a, coord_b]
    assert [g.participant_ids for g in letter_groups(admin, {"coordinator": coord_b})] == [[b1.pk]]
    assert [g.participant_ids for g in letter_groups(admin, {"bucket": "2"})] == [[a2.pk]]


def test_download_permissions_and_formats(client, admin, coord_a, coord_b):
    url = reverse("billing:arrears_letters")
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    late_payer(coord_a, 2)
    late_payer(coord_b, 1)
    client.force_login(coord_a)
    mine = client.get(url)
    assert mine["Content-Type"] == "application/pdf" and mine.content.startswith(b"%PDF")
    assert page_count(mine.content) == 1  # only A's late payer, never B's
    assert mine["Cache-Control"] == "private, no-store"
    client.force_login(admin)
    both = client.get(url)
    assert both["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(both.content)).namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    one = client.get(url, {"coordinator": coord_b.pk})
    assert one["Content-Type"] == "application/pdf" and page_count(one.content) == 1


def test_nothing_to_print_goes_back_with_a_message(client, coord_a):
    client.force_login(coord_a)
    response = client.get(reverse("billing:arrears_letters"), {"bucket": "7+"}, follow=True)
    assert "there is no letter to print" in response.content.decode()


def test_a_large_selection_becomes_a_job(client, coord_a, coord_b, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(arrears_views, "LETTERS_SYNC_MAX", 1)
    late_payer(coord_a, 1)
    late_payer(coord_a, 2)
    late_payer(coord_b, 2)
    client.force_login(coord_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("billing:arrears_letters"), {"sort": "name"})
    job = Job.objects.get(kind="billing.letters")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.result == {"letters": 2, "coordinators": 1} and job.result_name.endswith(".pdf")
    assert page_count(job.result_file.read()) == 2  # the job ran as A: B's late payer is not there
    # The creator downloads it; another coordinator cannot.
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 200
    client.force_login(coord_b)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
