"""Old binary .xls workbooks get the limits an .xlsx gets (rows, columns, cells), checked
before the reader builds any grid; hostile ones are refused with a clear message."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.core.tests.factories import CoordinatorFactory
from lindung.jobs.models import JobStatus
from lindung.participants.imports import reading, unpacking
from lindung.participants.imports.reading import FileProblem, open_spreadsheet
from lindung.participants.imports.unpacking import UnpackRefused
from lindung.participants.imports.xls_limits import check_xls

from . import xls_bombs
from .import_helpers import preview

# A 6 KB file whose two numbers stretch the reader's grid over 65,536 x 256 cells
# (measured: about 1 GB for the reader before this check).
FAR_CORNER = xls_bombs.workbook([xls_bombs.number(0, 0, 1.0), xls_bombs.number(65_535, 255, 2.0)])


def _open(data: bytes):
    return open_spreadsheet(io.BytesIO(data), "peserta.xls")


class ReaderMustNotRun(Exception):
    pass


@pytest.fixture
def no_reader(monkeypatch):
    """The refusal comes before calamine is given the file."""

    def refuse(data):
        raise ReaderMustNotRun

    monkeypatch.setattr(reading, "_open_workbook", refuse)


def test_a_grid_stretched_to_the_last_cell_is_refused_before_reading(no_reader):
    assert len(FAR_CORNER) < 8_000
    with pytest.raises(FileProblem, match="more than 4,000,000 cells"):
        _open(FAR_CORNER)


def test_one_sheet_listed_many_times_counts_every_time(monkeypatch, no_reader):
    monkeypatch.setattr(unpacking, "MAX_CELLS", 30_000)
    cells = xls_bombs.grid(100, 100)  # 10,000 cells
    check_xls(xls_bombs.workbook(cells, listed=3), max_rows=200_000)
    with pytest.raises(UnpackRefused, match="more than 30,000 cells"):
        check_xls(xls_bombs.workbook(cells, listed=4), max_rows=200_000)


def test_rows_past_the_limit_are_refused():
    data = xls_bombs.workbook([xls_bombs.number(0, 0, 1.0), xls_bombs.number(500, 0, 1.0)])
    with pytest.raises(UnpackRefused, match="more than 100 rows"):
        check_xls(data, max_rows=100)


def test_a_row_past_the_column_limit_is_refused(monkeypatch):
    monkeypatch.setattr(unpacking, "MAX_COLUMNS", 20)
    with pytest.raises(UnpackRefused, match="column 31"):
        check_xls(xls_bombs.workbook([xls_bombs.number(0, 30, 1.0)]), max_rows=200_000)


def test_formatted_blank_cells_far_away_do_not_count():
    opened = _open(xls_bombs.workbook([xls_bombs.number(0, 0, 7.0), xls_bombs.blank(65_000, 250)]))
    assert opened.row_estimate == 1


def test_an_xls_within_the_limits_reads_as_before():
    opened = _open(xls_bombs.workbook(xls_bombs.grid(50, 4)))
    (sheet,) = opened.sheets()
    rows = list(sheet.rows)
    assert len(rows) == 50 and rows[0] == (1, [0.0, 1.0, 2.0, 3.0])


def test_a_damaged_container_gets_the_readers_message():
    broken = FAR_CORNER[:700]
    with pytest.raises(FileProblem, match="cannot be read"):
        _open(broken)


@pytest.mark.django_db
def test_an_import_of_an_xls_bomb_fails_with_the_reason(django_capture_on_commit_callbacks):
    job = preview(CoordinatorFactory(), FAR_CORNER, "peserta.xls", capture=django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED and "more than 4,000,000 cells" in job.message, job.message


@pytest.mark.django_db
def test_the_nik_lookup_refuses_an_xls_bomb_on_the_page(client):
    client.force_login(CoordinatorFactory())
    page = client.post(reverse("billing:lookup"), {"file": SimpleUploadedFile("niks.xls", FAR_CORNER)})
    assert page.status_code == 200 and "more than 4,000,000 cells" in page.content.decode()
