"""Participant exports in the three formats: who gets which rows, what is in the files,
and big exports through a job."""

import base64
import csv
import io
import re
import zlib

import openpyxl
import pytest
from django.urls import reverse

from lindung.core.tests.factories import AdminFactory, CoordinatorFactory, mandau_village
from lindung.jobs.models import Job, JobStatus
from lindung.participants.models import Status
from lindung.participants.tests.factories import ParticipantFactory
from lindung.reports import views
from lindung.reports.exports.csv_writer import defuse
from lindung.reports.exports.participants import PARTICIPANTS
from lindung.reports.exports.pdf_writer import column_widths, pdf_columns, pdf_table_rows

pytestmark = pytest.mark.django_db

FORMATS = ("csv", "xlsx", "pdf")


def url(fmt, **query):
    path = reverse("reports:export", args=["participants", fmt])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def body(response):
    return b"".join(response.streaming_content)


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_rows(data: bytes) -> list[list[object]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def pdf_text(data: bytes) -> str:
    """The strings drawn on the pages, one per line. No PDF library is installed, so
    decode ReportLab's page streams (ASCII85 over Flate) and read its text operators."""
    assert data.startswith(b"%PDF")
    drawn = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        stream = stream.strip().removesuffix(b"~>")
        try:
            content = zlib.decompress(base64.a85decode(stream)).decode("latin-1")
        except (ValueError, zlib.error):
            continue  # not a page (fonts, images)
        drawn += re.findall(r"\((.*?)\) Tj", content)
    return "\n".join(drawn)


def names(fmt: str, data: bytes) -> set[str]:
    """The participant names in an export (the name column)."""
    if fmt == "csv":
        header, *rows = csv_rows(data)
        return {r[header.index("Name")] for r in rows}
    if fmt == "xlsx":
        header, *rows = xlsx_rows(data)
        return {str(r[header.index("Name")]) for r in rows}
    return {line for line in pdf_text(data).splitlines() if line.startswith("Orang ")}


@pytest.fixture
def world():
    a, b, admin = CoordinatorFactory(), CoordinatorFactory(), AdminFactory()
    ParticipantFactory(coordinator=a, full_name="Orang Alpha Satu", status=Status.ACTIVE)
    ParticipantFactory(coordinator=a, full_name="Orang Alpha Dua", village=mandau_village())
    ParticipantFactory(coordinator=b, full_name="Orang Beta Satu", status=Status.ACTIVE)
    return {"a": a, "b": b, "admin": admin}


ALPHA = {"Orang Alpha Satu", "Orang Alpha Dua"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_anonymous_is_sent_to_login(client, world, fmt):
    response = client.get(url(fmt))
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_coordinator_gets_only_their_own_rows_and_admin_all(client, world, fmt):
    client.force_login(world["a"])
    response = client.get(url(fmt))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert re.search(rf'filename="peserta-\d{{8}}-\d{{4}}\.{fmt}"', response["Content-Disposition"])
    assert names(fmt, body(response)) == ALPHA
    client.force_login(world["admin"])
    assert names(fmt, body(client.get(url(fmt)))) == ALPHA | {"Orang Beta Satu"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_asking_for_another_coordinators_rows_does_not_widen_scope(client, world, fmt):
    client.force_login(world["b"])
    data = body(client.get(url(fmt, coordinator=world["a"].pk)))
    assert names(fmt, data) == {"Orang Beta Satu"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_filters_search_and_sort_are_those_of_the_list(client, world, fmt):
    client.force_login(world["admin"])
    assert names(fmt, body(client.get(url(fmt, status="active", q="satu")))) == {
        "Orang Alpha Satu",
        "Orang Beta Satu",
    }
    assert names(fmt, body(client.get(url(fmt, district="14.03.09")))) == {"Orang Alpha Dua"}
    assert names(fmt, body(client.get(url(fmt, coordinator=world["a"].pk, q="dua")))) == {"Orang Alpha Dua"}


def test_sort_follows_the_list_and_unknown_sorts_fall_back(client, world):
    client.force_login(world["admin"])
    ordered = [r[1] for r in csv_rows(body(client.get(url("csv", sort="-name"))))[1:]]
    assert ordered == ["Orang Beta Satu", "Orang Alpha Satu", "Orang Alpha Dua"]
    ordered = [r[1] for r in csv_rows(body(client.get(url("csv", sort="password"))))[1:]]
    assert ordered == sorted(ordered)


def test_csv_and_excel_keep_the_full_nik_as_text(client, world):
    client.force_login(world["a"])
    nik = world["a"].participants.get(full_name="Orang Alpha Satu").nik
    header, *rows = csv_rows(body(client.get(url("csv"))))
    assert nik in [r[0] for r in rows] and "Coordinator" not in header  # a coordinator's own export
    raw = body(client.get(url("csv"))).decode("utf-8-sig")
    assert f'"{nik}"' in raw and '"+6281234567890"' in raw  # quoted text, never a number
    book = openpyxl.load_workbook(io.BytesIO(body(client.get(url("xlsx")))))
    sheet = book.worksheets[0]
    niks = [sheet.cell(row=r, column=1) for r in range(2, sheet.max_row + 1)]
    assert nik in [c.value for c in niks] and all(c.data_type == "s" for c in niks)
    phone = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("Phone") + 1)
    assert phone.value == "+6281234567890" and phone.data_type == "s"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref and sheet["A1"].font.b
    info = {r[0]: r[1] for r in book["Info"].iter_rows(values_only=True)}
    assert info["Rows"] == "2" and world["a"].username in info["Exported by"] and "Exported at" in info


def test_excel_info_sheet_lists_the_filters_applied(client, world):
    client.force_login(world["admin"])
    data = body(client.get(url("xlsx", status="active", q="satu", coordinator=world["a"].pk)))
    info = {r[0]: r[1] for r in openpyxl.load_workbook(io.BytesIO(data))["Info"].iter_rows(values_only=True)}
    assert info["Status"] == "Active" and info["Search"] == "satu" and info["Coordinator"] == str(world["a"])
    assert info["Rows"] == "1"


def test_pdf_masks_the_nik_and_numbers_its_pages(client, world):
    client.force_login(world["a"])
    participant = world["a"].participants.get(full_name="Orang Alpha Satu")
    text = pdf_text(body(client.get(url("pdf", status="active"))))
    assert participant.nik not in text and participant.masked_nik in text
    assert "Page 1" in text and "Participants" in text and "Status: Active" in text
    columns = pdf_columns(PARTICIPANTS.columns(world["a"]))
    row = next(r for r in export_rows(world["a"], {}) if r.id == participant.pk)  # the export's own row
    rows = list(pdf_table_rows(columns, [row], column_widths(columns, 700)))
    assert rows[0][0] == participant.masked_nik and rows[0][1] == "Orang Alpha Satu"


def test_a_long_pdf_repeats_the_header_on_every_page(client, world):
    ParticipantFactory.create_batch(120, coordinator=world["a"])
    client.force_login(world["a"])
    text = pdf_text(body(client.get(url("pdf"))))
    pages = text.count("Page ")
    assert pages >= 3 and text.count("Registered") == pages  # the header's last column, once a page
    assert f"Page {pages}" in text


def test_formula_like_text_is_defused_but_phones_are_not():
    assert defuse("=HYPERLINK(1)") == "'=HYPERLINK(1)" and defuse("@SUM(A1)") == "'@SUM(A1)"
    assert defuse("+6281234567890") == "+6281234567890" and defuse("-5") == "-5"
    assert defuse("+cmd|x") == "'+cmd|x" and defuse("Siti") == "Siti"


def test_unknown_format_or_export_is_404(client, world):
    client.force_login(world["a"])
    assert client.get(reverse("reports:export", args=["participants", "docx"])).status_code == 404
    assert client.get(reverse("reports:export", args=["nothing", "csv"])).status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_sync_export_query_count_is_constant_in_rows(client, world, fmt, django_assert_num_queries):
    client.force_login(world["admin"])

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(fmt)).status_code == 200
        return len(captured)

    few = count_queries()
    ParticipantFactory.create_batch(30, coordinator=world["b"])
    assert count_queries() == few


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_big_export_runs_as_a_job_scoped_to_its_creator(
    client, world, fmt, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(views, "SYNC_MAX_ROWS", 1)
    monkeypatch.setattr("lindung.reports.exports.service.PROGRESS_EVERY", 1)
    ParticipantFactory(coordinator=world["b"], full_name="Orang Beta Dua")
    client.force_login(world["a"])
    with django_capture_on_commit_callbacks(execute=True):
        # Even asking for B's rows, the job only ever sees A's.
        response = client.get(url(fmt, coordinator=world["b"].pk))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.kind == "reports.participants_export" and job.params["query"] == {"coordinator": [str(world["b"].pk)]}
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.progress == job.total == 2 and job.result["rows"] == 2
    assert re.fullmatch(rf"peserta-\d{{8}}-\d{{4}}\.{fmt}", job.result_name)
    download = reverse("jobs:download", args=[job.pk])
    assert names(fmt, body(client.get(download))) == ALPHA
    client.force_login(world["b"])
    assert client.get(download).status_code == 404
    client.logout()
    assert client.get(download).status_code == 302


def test_the_job_applies_the_creators_scope_when_it_runs(world, django_capture_on_commit_callbacks):
    """Rows handed to another coordinator between queueing and running are not exported."""
    from lindung.jobs.services import job_run

    job = Job.objects.create(
        kind=PARTICIPANTS.job_kind, params={"format": "csv", "query": {"q": ["orang"]}}, created_by=world["a"]
    )
    world["a"].participants.filter(full_name="Orang Alpha Dua").update(coordinator=world["b"])
    assert job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and names("csv", job.result_file.read()) == {"Orang Alpha Satu"}


def test_the_list_page_links_to_the_exports_with_its_filters(client, world):
    client.force_login(world["admin"])
    page = client.get(reverse("participants:list"), {"q": "satu", "status": "active", "sort": "-name", "page": 1})
    html = page.content.decode()
    for fmt in FORMATS:
        link = re.search(rf'href="([^"]*/export\.{fmt}[^"]*)"', html)
        assert link, fmt
        href = link.group(1).replace("&amp;", "&")
        assert "q=satu" in href and "status=active" in href and "sort=-name" in href and "page=" not in href


def test_the_pdf_story_is_drawn_from_the_rows_as_pages_are_made():
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    from lindung.reports.exports.pdf_writer import LazyStory

    made: list[int] = []
    seen_at_page: list[int] = []

    def story():
        for i in range(20):
            made.append(i)
            yield Paragraph(f"page {i}", getSampleStyleSheet()["Normal"])
            yield PageBreak()

    doc = SimpleDocTemplate(io.BytesIO())
    doc.build(LazyStory(story()), onLaterPages=lambda canvas, d: seen_at_page.append(len(made)))
    assert len(made) == 20 and seen_at_page[0] <= 3  # not all made before page 2 started


def test_export_rows_carry_the_same_text_as_the_participant(world):
    """The export reads flat rows, not Participant objects: each column gives the text the
    model would (the coordinator's name as User.__str__, no group as empty)."""
    from lindung.communities.tests.factories import CommunityGroupFactory
    from lindung.participants.models import Participant

    named = CoordinatorFactory(first_name="Siti", last_name="Aminah")
    ParticipantFactory(coordinator=named, community_group=CommunityGroupFactory(coordinator=named))
    ParticipantFactory(coordinator=None, registered_by=world["admin"])
    columns = {c.key: c for c in PARTICIPANTS.columns(world["admin"])}
    rows = {r.id: r for r in export_rows(world["admin"], {})}
    people = Participant.objects.select_related("village", "district", "community_group", "coordinator")
    assert set(rows) == {p.pk for p in people} and len(rows) == 5
    for person in people:
        row = rows[person.pk]
        assert columns["village"].value(row) == person.village.name
        assert columns["district"].value(row) == person.district.name
        assert columns["group"].value(row) == (person.community_group.name if person.community_group else "")
        assert columns["coordinator"].value(row) == (str(person.coordinator) if person.coordinator else "")
        assert columns["nik"].printed(row) == person.masked_nik
    assert {columns["coordinator"].value(r) for r in rows.values()} >= {"Siti Aminah", ""}


def test_a_coordinators_search_export_reads_the_matches_by_id(world):
    """Within one coordinator, the matches are found first (the covering index's work) and
    only their rows are read: the same rows and order as filtering the table directly."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ParticipantFactory(coordinator=world["a"], full_name="Orang Alpha Tiga")
    ParticipantFactory(coordinator=world["b"], full_name="Orang Alpha Lain")  # another's: never exported
    with CaptureQueriesContext(connection) as queries:
        rows = list(export_rows(world["a"], {"q": ["alpha"]}))
    assert [r.full_name for r in rows] == ["Orang Alpha Dua", "Orang Alpha Satu", "Orang Alpha Tiga"]
    assert "IN (SELECT" in queries.captured_queries[-1]["sql"]
    admin_rows = list(export_rows(world["admin"], {"q": ["alpha"]}))
    assert len(admin_rows) == 4  # across coordinators: the table filtered directly, as before


def export_rows(user, params):
    assert PARTICIPANTS.rows is not None
    return PARTICIPANTS.rows(PARTICIPANTS.queryset(user, params))
