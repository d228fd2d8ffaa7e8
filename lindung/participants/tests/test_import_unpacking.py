"""Hostile workbooks are refused while they are being unpacked, before the reader
builds any grid: real unpacked size (not the header's claim), rows, columns, cells."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.core.tests.factories import CoordinatorFactory
from lindung.jobs.models import JobStatus
from lindung.participants.imports import unpacking
from lindung.participants.imports.reading import FileProblem, open_spreadsheet

from . import bombs
from .import_helpers import preview


def _open(data: bytes):
    return open_spreadsheet(io.BytesIO(data), "peserta.xlsx")


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(unpacking, "MAX_UNPACKED_BYTES", 4 * 2**20)
    monkeypatch.setattr(unpacking, "MAX_CELLS", 30_000)


def test_a_sheet_that_unpacks_past_the_limit_is_refused(small_limits):
    bomb = bombs.workbook(bombs.padding(6 * 2**20))
    assert len(bomb) < 100_000
    with pytest.raises(FileProblem, match="unpacks to more than 4 MB"):
        _open(bomb)


def test_the_real_size_counts_not_the_size_the_header_claims(small_limits):
    liar = bombs.lying_header(6 * 2**20)
    with pytest.raises(FileProblem) as info:
        _open(liar)
    assert "unpacks to more than 4 MB" in str(info.value) or "damaged" in str(info.value)


def test_a_grid_stretched_to_excels_last_cell_is_refused_before_reading():
    with pytest.raises(FileProblem, match="more than 200,000 rows"):
        _open(bombs.far_corner())


def test_a_row_stretched_to_excels_last_column_is_refused():
    wide = b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>'
    with pytest.raises(FileProblem, match="reaches column 16,384; at most 256 columns"):
        _open(bombs.workbook([wide]))


def test_rows_past_the_limit_are_refused_while_unpacking(monkeypatch):
    monkeypatch.setattr("lindung.participants.imports.reading.MAX_ROWS", 1_000)
    with pytest.raises(FileProblem, match="more than 1,000 rows"):
        _open(bombs.workbook(bombs.rows(1_500)))


def test_too_many_cells_are_refused(small_limits):
    with pytest.raises(FileProblem, match="more than 30,000 cells"):
        _open(bombs.workbook(bombs.rows(1_000, width=40)))


def test_formatting_without_values_far_away_does_not_count():
    styled = b'<row r="1"><c r="A1"><v>7</v></c></row><row r="900000"><c r="XFD900000" s="1"/></row>'
    opened = _open(bombs.workbook([styled]))
    assert opened.row_estimate == 1


def test_a_workbook_within_the_limits_reads_as_before(small_limits):
    opened = _open(bombs.workbook(bombs.rows(100, width=5)))
    (sheet,) = opened.sheets()
    rows = list(sheet.rows)
    assert len(rows) == 100 and rows[0] == (1, [0.0, 1.0, 2.0, 3.0, 4.0])


@pytest.mark.django_db
def test_an_import_of_a_bomb_fails_with_the_reason(django_capture_on_commit_callbacks):
    job = preview(CoordinatorFactory(), bombs.far_corner(), capture=django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED and "more than 200,000 rows" in job.message, job.message


@pytest.mark.django_db
def test_the_nik_lookup_refuses_a_bomb_on_the_page(client):
    client.force_login(CoordinatorFactory())
    upload = SimpleUploadedFile("niks.xlsx", bombs.far_corner())
    page = client.post(reverse("billing:lookup"), {"file": upload})
    assert page.status_code == 200 and "more than 200,000 rows" in page.content.decode()
