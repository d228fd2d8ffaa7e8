"""Import pages for every kind of user; downloads; htmx progress; query counts."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from lindung.core.tests.factories import AdminFactory, CoordinatorFactory, bengkalis_village
from lindung.jobs.models import JobStatus
from lindung.participants.models import Participant

from .import_helpers import HEADER, person, preview, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    bengkalis_village()
    a, b, admin = CoordinatorFactory(), CoordinatorFactory(), AdminFactory()
    bad = preview(a, xlsx([("S", [HEADER, person(1), person(2, c4="X")])]), capture=django_capture_on_commit_callbacks)
    good = preview(a, xlsx([("S", [HEADER, person(3)])]), capture=django_capture_on_commit_callbacks)
    return {"a": a, "b": b, "admin": admin, "bad": bad, "good": good}


def job_urls(w):
    bad, good = w["bad"].pk, w["good"].pk
    return [
        ("get", reverse("participants:import_detail", args=[bad])),
        ("get", reverse("participants:import_errors", args=[bad])),
        ("post", reverse("participants:import_commit", args=[good])),
        ("post", reverse("participants:import_cancel", args=[good])),
    ]


def test_anonymous_goes_to_login(client, world):
    urls = [("get", reverse("participants:import_start")), ("get", reverse("billing:lookup")), *job_urls(world)]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_another_coordinator_gets_404_on_every_import(client, world):
    client.force_login(world["b"])
    for method, url in job_urls(world):
        assert getattr(client, method)(url).status_code == 404, url
    assert client.get(reverse("participants:import_start")).status_code == 200
    assert world["bad"].input_name not in client.get(reverse("participants:import_start")).content.decode()
    assert not Participant.objects.exists()


def test_admin_sees_but_only_the_uploader_commits(client, world):
    client.force_login(world["admin"])
    assert client.get(reverse("participants:import_detail", args=[world["bad"].pk])).status_code == 200
    assert client.get(reverse("participants:import_errors", args=[world["bad"].pk])).status_code == 200
    page = client.get(reverse("participants:import_detail", args=[world["good"].pk])).content.decode()
    assert reverse("participants:import_commit", args=[world["good"].pk]) not in page
    client.post(reverse("participants:import_commit", args=[world["good"].pk]))
    assert not Participant.objects.exists()


def test_owner_flow_upload_preview_commit(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["a"])
    upload = SimpleUploadedFile("baru.xlsx", xlsx([("S", [HEADER, person(5)])]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("participants:import_start"), {"file": upload})
    assert response.status_code == 302
    detail = response["Location"]
    page = client.get(detail).content.decode()
    assert "Import: 1 new, 0 updated" in page and "Peserta Impor 5" in page
    commit_url = detail + "commit/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(commit_url)
    assert "Imported: 1 new, 0 updated, 0 unchanged." in client.get(detail).content.decode()
    assert Participant.objects.filter(coordinator=world["a"]).count() == 1


def test_preview_with_errors_offers_downloads_not_import(client, world):
    client.force_login(world["a"])
    url = reverse("participants:import_detail", args=[world["bad"].pk])
    page = client.get(url).content.decode()
    assert "Download the errors (Excel)" in page
    assert reverse("participants:import_commit", args=[world["bad"].pk]) not in page
    assert "Jenis Kelamin" in page
    errors_url = reverse("participants:import_errors", args=[world["bad"].pk])
    csv_text = b"".join(client.get(errors_url + "?format=csv").streaming_content).decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "Sheet,Row,Column,Value,Message" and "S,3,Jenis Kelamin,X," in csv_text
    response = client.get(errors_url + "?format=xlsx")
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = workbook.get_sheet_by_name("Errors").to_python()
    assert rows[1][:4] == ["S", 3, "Jenis Kelamin", "X"]


def test_upload_form_refuses_wrong_types_beside_the_field(client, world):
    client.force_login(world["a"])
    upload = SimpleUploadedFile("foto.png", b"\x89PNG")
    response = client.post(reverse("participants:import_start"), {"file": upload})
    assert response.status_code == 200 and "Upload an Excel workbook" in response.content.decode()


def test_admin_chooses_a_coordinator_in_the_form(client, world):
    client.force_login(world["admin"])
    assert 'name="coordinator"' in client.get(reverse("participants:import_start")).content.decode()
    client.force_login(world["a"])
    assert 'name="coordinator"' not in client.get(reverse("participants:import_start")).content.decode()


def test_progress_is_polled_then_the_page_reloads(client, world):
    client.force_login(world["a"])
    world["good"].status = JobStatus.RUNNING
    world["good"].save()
    url = reverse("participants:import_detail", args=[world["good"].pk])
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "<html" not in fragment
    world["good"].status = JobStatus.SUCCEEDED
    world["good"].save()
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


def test_cancel_view(client, world):
    client.force_login(world["a"])
    response = client.post(reverse("participants:import_cancel", args=[world["good"].pk]), follow=True)
    assert "Nothing was imported" in response.content.decode()
    page = client.get(reverse("participants:import_detail", args=[world["good"].pk])).content.decode()
    assert "was cancelled" in page


def test_preview_page_queries_do_not_grow_with_rows(client, world, django_capture_on_commit_callbacks):
    big = preview(
        world["a"],
        xlsx([("S", [HEADER, *[person(i) for i in range(10, 140)], person(9, c4="X")])]),
        capture=django_capture_on_commit_callbacks,
    )
    client.force_login(world["a"])
    with_small = client.get(reverse("participants:import_detail", args=[world["good"].pk]))
    assert with_small.status_code == 200
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("participants:import_detail", args=[world["good"].pk]))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("participants:import_detail", args=[big.pk]))
    assert len(large) == len(small) <= 8
    with CaptureQueriesContext(connection) as start:
        client.get(reverse("participants:import_start"))
    assert len(start) <= 8
