"""Bulk import: reading every sheet, per-row errors, preview, all-or-nothing commit,
update by NIK, scoping."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from simple_history.utils import get_history_model_for_model

from lindung.communities.models import CommunityGroup
from lindung.core.tests.factories import AdminFactory, CoordinatorFactory, bengkalis_village
from lindung.jobs.models import JobStatus
from lindung.participants import services
from lindung.participants.imports import jobs as imports
from lindung.participants.models import Participant, Sex
from lindung.participants.tests.factories import ParticipantFactory, make_nik

from .import_helpers import HEADER, VILLAGE, commit, counts, csv_bytes, person, preview, xlsx

pytestmark = pytest.mark.django_db
History = get_history_model_for_model(Participant)


@pytest.fixture(autouse=True)
def _village():
    bengkalis_village()


def test_every_sheet_is_read_with_errors_by_sheet_and_row(django_capture_on_commit_callbacks):
    coord = CoordinatorFactory()
    content = xlsx(
        [
            ("Desa A", [HEADER, person(1), person(2, sex=Sex.FEMALE), person(3, c4="X")]),
            ("Kosong", []),
            ("Desa B", [["DAFTAR PESERTA DESA B"], HEADER, person(4), person(1, c1="Nama Lain"), person(5, c0="123")]),
            ("Catatan", [["ini hanya catatan"], ["tidak ada kolom"]]),
        ]
    )
    job = preview(coord, content, capture=django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert counts(job) == {"new": 3, "updated": 0, "unchanged": 0, "error": 3}
    errors = {(e["sheet"], e["row"], e["column"]) for e in job.result["import"]["samples"]["error"]}
    assert ("Desa A", 4, "Jenis Kelamin") in errors
    assert ("Desa B", 4, "NIK") in errors  # the same NIK as Desa A row 2
    assert ("Desa B", 5, "NIK") in errors
    duplicate = next(e for e in job.result["import"]["samples"]["error"] if e["row"] == 4 and e["sheet"] == "Desa B")
    assert "Desa A" in duplicate["message"] and "row 2" in duplicate["message"]
    sheets = {s["name"]: s for s in job.result["import"]["sheets"]}
    assert sheets["Catatan"]["skipped"] and "Kosong" not in sheets and sheets["Desa B"]["rows"] == 3
    assert job.result_file and b"Desa A" in job.result_file.read()
    assert not Participant.objects.exists()
    with pytest.raises(ValidationError):
        imports.import_commit(actor=coord, preview=job)


def test_commit_writes_everything_then_a_reupload_changes_nothing(django_capture_on_commit_callbacks):
    coord = CoordinatorFactory()
    content = xlsx([("S1", [HEADER, person(1), person(2)]), ("S2", [HEADER, person(3, sex=Sex.FEMALE)])])
    first = preview(coord, content, capture=django_capture_on_commit_callbacks)
    done = commit(coord, first, capture=django_capture_on_commit_callbacks)
    assert done.status == JobStatus.SUCCEEDED, done.message
    assert counts(done)["new"] == 3
    created = Participant.objects.order_by("nik")
    assert created.count() == 3 and {p.coordinator_id for p in created} == {coord.pk}
    assert {p.phone for p in created} == {"+6281234567890"}
    assert History.objects.filter(history_user=coord).count() == 3

    again = preview(coord, content, capture=django_capture_on_commit_callbacks)
    assert counts(again) == {"new": 0, "updated": 0, "unchanged": 3, "error": 0}
    second = commit(coord, again, capture=django_capture_on_commit_callbacks)
    assert second.status == JobStatus.SUCCEEDED
    assert Participant.objects.count() == 3 and History.objects.count() == 3
    with pytest.raises(ValidationError):  # once only
        imports.import_commit(actor=coord, preview=again)


def test_update_by_nik_changes_only_what_changed(django_capture_on_commit_callbacks):
    coord = CoordinatorFactory()
    born = datetime.date(1990, 5, 17)
    existing = ParticipantFactory(
        coordinator=coord,
        nik=make_nik(born, Sex.MALE, 7),
        birth_date=born,
        full_name="Peserta Impor 7",
        phone="+6281234567890",
        address="Jl. Lama",
        occupation="Nelayan",
    )
    rows = [[*HEADER, "Pekerjaan"], [*person(7), ""]]
    job = preview(coord, csv_bytes(rows), "data.csv", capture=django_capture_on_commit_callbacks)
    assert counts(job) == {"new": 0, "updated": 1, "unchanged": 0, "error": 0}
    assert job.result["import"]["samples"]["updated"][0]["changed"] == ["address"]
    commit(coord, job, capture=django_capture_on_commit_callbacks)
    existing.refresh_from_db()
    assert existing.address == "Jl. Sudirman No. 7" and existing.occupation == "Nelayan"  # empty cell: kept
    last = existing.history.first()
    assert [c.field for c in last.diff_against(last.prev_record).changes] == ["address"]
    assert last.history_user == coord


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("peserta.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "not a spreadsheet"),
        ("peserta.xlsx", b"PK\x03\x04 not really a workbook", "not a readable Excel workbook"),
        ("peserta.pdf", b"%PDF-1.4", "Upload an Excel workbook"),
        ("peserta.csv", b"NIK,Nama\r\n1403011705900001,Budi\r\n", "lacks the columns"),
        ("peserta.csv", ",".join(HEADER).encode(), "no data rows"),
        ("peserta.csv", b"   \r\n", "empty"),
    ],
)
def test_malformed_files_are_refused_whole(django_capture_on_commit_callbacks, name, content, expected):
    coord = CoordinatorFactory()
    try:
        job = preview(coord, content, name, capture=django_capture_on_commit_callbacks)
    except ValidationError as exc:  # refused before queueing (extension)
        assert expected in " ".join(exc.messages)
        return
    assert job.status == JobStatus.FAILED and expected in job.message, job.message
    assert not Participant.objects.exists()


def test_missing_columns_message_lists_what_is_missing_and_found(django_capture_on_commit_callbacks):
    job = preview(
        CoordinatorFactory(),
        xlsx([("Data", [["NIK", "Nama"], ["x", "y"]])]),
        capture=django_capture_on_commit_callbacks,
    )
    assert "Data" in job.message and "Place of birth" in job.message and "Columns found: NIK, Nama" in job.message


def test_a_failure_during_commit_writes_nothing(django_capture_on_commit_callbacks, monkeypatch):
    coord = CoordinatorFactory()
    job = preview(
        coord, xlsx([("S", [HEADER, person(1), person(2), person(3)])]), capture=django_capture_on_commit_callbacks
    )
    real = services.participants_register_bulk

    def flaky(**kwargs):
        # Written, then the third row is refused (registered meanwhile): all must roll back.
        real(**kwargs)
        raise services.BulkRowError(2, ValidationError({"nik": "registered meanwhile"}))

    monkeypatch.setattr(services, "participants_register_bulk", flaky)
    done = commit(coord, job, capture=django_capture_on_commit_callbacks)
    assert done.status == JobStatus.FAILED and "Nothing was imported" in done.message and "row 4" in done.message
    assert not Participant.objects.exists() and not History.objects.exists()


def test_rows_invalid_at_commit_time_abort_the_whole_commit(django_capture_on_commit_callbacks):
    coord, other = CoordinatorFactory(), CoordinatorFactory()
    job = preview(coord, xlsx([("S", [HEADER, person(1), person(2)])]), capture=django_capture_on_commit_callbacks)
    born = datetime.date(1990, 5, 17)
    ParticipantFactory(coordinator=other, nik=make_nik(born, Sex.MALE, 2), birth_date=born)  # registered meanwhile
    done = commit(coord, job, capture=django_capture_on_commit_callbacks)
    assert done.status == JobStatus.FAILED and "row 3" in done.message
    assert Participant.objects.count() == 1


def test_another_coordinators_nik_is_refused_without_naming_them(django_capture_on_commit_callbacks):
    coord, other = CoordinatorFactory(), CoordinatorFactory(first_name="Rahasia")
    born = datetime.date(1990, 5, 17)
    theirs = ParticipantFactory(coordinator=other, nik=make_nik(born, Sex.MALE, 1), birth_date=born, address="Lama")
    job = preview(coord, xlsx([("S", [HEADER, person(1)])]), capture=django_capture_on_commit_callbacks)
    (error,) = job.result["import"]["samples"]["error"]
    assert error["message"] == services.DUPLICATE_NIK_MESSAGE
    assert "Rahasia" not in str(job.result) and other.username not in str(job.result)
    theirs.refresh_from_db()
    assert theirs.address == "Lama"


def test_admin_chooses_the_coordinator_and_may_update_anyones(django_capture_on_commit_callbacks):
    admin, coord, other = AdminFactory(), CoordinatorFactory(), CoordinatorFactory()
    born = datetime.date(1990, 5, 17)
    theirs = ParticipantFactory(coordinator=other, nik=make_nik(born, Sex.MALE, 1), birth_date=born)
    job = preview(
        admin,
        xlsx([("S", [HEADER, person(1), person(2)])]),
        coordinator=coord,
        capture=django_capture_on_commit_callbacks,
    )
    assert counts(job) == {"new": 1, "updated": 1, "unchanged": 0, "error": 0}
    commit(admin, job, capture=django_capture_on_commit_callbacks)
    theirs.refresh_from_db()
    assert theirs.coordinator == other  # updating never reassigns
    assert Participant.objects.get(nik=make_nik(born, Sex.MALE, 2)).coordinator == coord


def test_registration_rules_apply_to_every_row(django_capture_on_commit_callbacks):
    coord = CoordinatorFactory()
    rows = [
        [*HEADER, "KPJ", "Kelompok"],
        [*person(1, c3="18/05/1990"), "", ""],  # NIK encodes another birth date
        [*person(2, c7="12345"), "", ""],  # not a phone number
        [*person(3), "99001", ""],  # coordinators do not enter KPJs
        [*person(4, c6="99.99.99.9999"), "", ""],
        [*person(5), "", "Kelompok Tani Maju"],  # no such group
        [*person(6, c6="1403012004"), "", "Nelayan Jaya"],  # undotted code; group in the village
    ]
    CommunityGroup.objects.create(name="Nelayan Jaya", village_id=VILLAGE, coordinator=coord)
    job = preview(coord, xlsx([("S", rows)]), capture=django_capture_on_commit_callbacks)
    by_row = {e["row"]: e for e in job.result["import"]["samples"]["error"]}
    assert set(by_row) == {2, 3, 4, 5, 6}
    assert by_row[2]["column"] == "NIK" and "birth date" in by_row[2]["message"]
    assert by_row[3]["column"] == "No HP"
    assert by_row[4]["column"] == "KPJ"
    assert by_row[5]["column"] == "Kode Desa" and "99.99.99.9999" in by_row[5]["message"]
    assert by_row[6]["column"] == "Kelompok"
    assert counts(job)["new"] == 1


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"),
    [(",", "utf-8", True), (";", "utf-8", False), (";", "cp1252", False), ("\t", "utf-8", False)],
)
def test_csv_variants(django_capture_on_commit_callbacks, delimiter, encoding, bom):
    coord = CoordinatorFactory()
    rows = [HEADER, person(1, c1="Andréas Müller", c2="Bengkalis, Riau" if delimiter != "," else "Bengkalis")]
    content = csv_bytes(rows, delimiter=delimiter, encoding=encoding)
    job = preview(
        coord, (b"\xef\xbb\xbf" if bom else b"") + content, "x.csv", capture=django_capture_on_commit_callbacks
    )
    assert counts(job) == {"new": 1, "updated": 0, "unchanged": 0, "error": 0}, job.result
    assert job.result["import"]["samples"]["new"][0]["name"] == "Andréas Müller"


def test_english_headers_excel_dates_and_numbers(django_capture_on_commit_callbacks):
    coord = CoordinatorFactory()
    born = datetime.date(1985, 1, 2)
    header = ["nik", "Full Name", "birth_place", "Birth Date", "SEX", "address", "village code", "phone", "Income"]
    row = [make_nik(born, Sex.FEMALE, 9), "Ani", "Duri", born, "F", "Jl. X", VILLAGE, "+62 812 3456 7890", 2500000]
    job = preview(coord, xlsx([("S", [header, row])]), capture=django_capture_on_commit_callbacks)
    assert counts(job)["new"] == 1, job.result
    commit(coord, job, capture=django_capture_on_commit_callbacks)
    p = Participant.objects.get()
    assert (p.birth_date, p.sex, p.declared_income) == (born, Sex.FEMALE, 2_500_000)


def test_a_nik_stored_as_an_excel_number_is_read_or_flagged(django_capture_on_commit_callbacks):
    coord = CoordinatorFactory()
    good = person(1)
    good[0] = float(good[0])  # ends in 1: intact
    truncated = person(20)
    truncated[0] = float(truncated[0])  # ends in 0: what Excel makes of a 16-digit number
    job = preview(coord, xlsx([("S", [HEADER, good, truncated])]), capture=django_capture_on_commit_callbacks)
    assert counts(job)["new"] == 1
    assert "15 digits" in job.result["import"]["samples"]["error"][0]["message"]


def test_cancel_drops_the_upload(django_capture_on_commit_callbacks):
    coord = CoordinatorFactory()
    job = preview(coord, xlsx([("S", [HEADER, person(1)])]), capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_cancel(actor=coord, preview=job)
    job.refresh_from_db()
    assert job.result["cancelled"] and not job.input_file.storage.exists(job.input_file.name)
    with pytest.raises(ValidationError):
        imports.import_commit(actor=coord, preview=job)
