import io

import pytest
from django.core.exceptions import PermissionDenied

from lindung.regions.models import Level, Region
from lindung.regions.services import RegionImportError, regions_import_csv

from .conftest import BENGKALIS_CSV

pytestmark = pytest.mark.django_db

SMALL = "kode,nama\n14,Riau\n14.03,Kabupaten Bengkalis\n14.03.01,Bengkalis\n14.03.01.2004,Kelapapati\n"


def _snapshot() -> list[tuple[str, str, int, str | None]]:
    return list(Region.objects.order_by("code").values_list("code", "name", "level", "parent_id"))


def test_fixture_imports_the_whole_regency():
    result = regions_import_csv(path=BENGKALIS_CSV)

    assert result.rows == 1 + 1 + 11 + 155
    assert result.created == 168 and result.updated == 0 and result.unchanged == 0
    assert result.counts[Level.DISTRICT].created == 11
    assert result.counts[Level.VILLAGE].created == 155
    assert Region.objects.get(code="14.03.01.1001").name == "Bengkalis Kota"
    kelapapati = Region.objects.get(code="14.03.01.2004")
    assert (kelapapati.name, kelapapati.level, kelapapati.parent_id) == ("Kelapapati", Level.VILLAGE, "14.03.01")
    districts = dict(Region.objects.filter(parent_id="14.03").values_list("code", "name"))
    assert districts == {
        "14.03.01": "Bengkalis",
        "14.03.02": "Bantan",
        "14.03.03": "Bukit Batu",
        "14.03.09": "Mandau",
        "14.03.10": "Rupat",
        "14.03.11": "Rupat Utara",
        "14.03.12": "Siak Kecil",
        "14.03.13": "Pinggir",
        "14.03.14": "Bandar Laksamana",
        "14.03.15": "Talang Muandau",
        "14.03.16": "Bathin Solapan",
    }
    for code in districts:
        assert Region.objects.filter(parent_id=code).count() >= 3, code


def test_second_run_changes_nothing():
    regions_import_csv(path=BENGKALIS_CSV)
    before = _snapshot()

    result = regions_import_csv(path=BENGKALIS_CSV)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 168)
    assert _snapshot() == before


def test_changed_names_are_updated_and_others_left_alone(write_csv):
    regions_import_csv(path=write_csv(SMALL))
    changed = SMALL.replace("14.03.01.2004,Kelapapati", "14.03.01.2004,Kelapa Pati").replace("14,Riau", "14,RIAU")

    result = regions_import_csv(path=write_csv(changed))

    assert (result.created, result.updated, result.unchanged) == (0, 2, 2)
    assert result.counts[Level.PROVINCE].updated == 1
    assert result.counts[Level.VILLAGE].updated == 1
    assert Region.objects.get(code="14").name == "RIAU"
    assert Region.objects.get(code="14.03.01.2004").name == "Kelapa Pati"
    assert Region.objects.count() == 4


def test_import_records_renames_in_the_history_with_the_actor(write_csv, admin):
    regions_import_csv(actor=admin, path=write_csv(SMALL))
    assert not Region.history.exists()  # creations from the official list are not recorded row by row

    regions_import_csv(actor=admin, path=write_csv(SMALL.replace("Kelapapati", "Kelapa Pati")))

    history = Region.history.all()
    assert [(h.code, h.history_type, h.name, h.history_user_id) for h in history] == [
        ("14.03.01.2004", "~", "Kelapa Pati", admin.pk),
    ]


def test_rows_whose_parent_is_already_in_the_database_are_accepted(write_csv):
    regions_import_csv(path=write_csv(SMALL))

    result = regions_import_csv(path=write_csv("14.03.01.1001,Bengkalis Kota\n"))

    assert result.created == 1
    assert Region.objects.get(code="14.03.01.1001").parent_id == "14.03.01"


def test_bom_header_blank_lines_quotes_and_crlf(write_csv):
    content = '\ufeffKode,Nama\r\n14,Riau\r\n\r\n14.03,"Kabupaten  Bengkalis "\r\n14.03.01,Bengkalis\r\n'
    path = write_csv(content.encode("utf-8"))

    result = regions_import_csv(path=path)

    assert result.rows == 3
    assert Region.objects.get(code="14.03").name == "Kabupaten Bengkalis"


def test_without_header_or_bom(write_csv):
    result = regions_import_csv(path=write_csv(SMALL.split("\n", 1)[1]))
    assert result.created == 4


def test_accepts_an_open_file_of_bytes_or_text():
    assert regions_import_csv(file=io.BytesIO(("\ufeff" + SMALL).encode())).created == 4
    Region.objects.filter(level=Level.VILLAGE).delete()
    assert regions_import_csv(file=io.StringIO(SMALL)).created == 1


def test_exact_duplicate_rows_are_harmless(write_csv):
    result = regions_import_csv(path=write_csv(SMALL + "14.03.01.2004,Kelapapati\n"))
    assert result.created == 4


def test_dry_run_counts_but_writes_nothing(write_csv):
    result = regions_import_csv(path=BENGKALIS_CSV, dry_run=True)

    assert result.dry_run and result.created == 168
    assert not Region.objects.exists()
    assert not Region.history.exists()


def test_dry_run_still_refuses_bad_files(write_csv):
    with pytest.raises(RegionImportError):
        regions_import_csv(path=write_csv("14,\n"), dry_run=True)


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        ("14,Riau\n14.3,Kabupaten Bengkalis\n", 2, "bad code '14.3'"),
        ("14,Riau\n1403,Kabupaten Bengkalis\n", 2, "bad code '1403'"),
        ("14,Riau\n14.03.01.204,Kelapapati\n", 2, "bad code"),
        ("14,Riau\n14.03,   \n", 2, "empty name for code 14.03"),
        ("14,Riau\n14.03\n", 2, "expected two columns"),
        ("14,Riau\n14.03.01,Bengkalis\n", 2, "parent 14.03 of 14.03.01 is neither in the file nor in the database"),
        ("14,Riau\n14,Riau Lama\n", 2, "code 14 also on line 1 with a different name"),
        ("14,Riau\n14.03," + "x" * 121 + "\n", 2, "name longer than 120"),
    ],
)
def test_each_kind_of_bad_row_is_refused_with_its_line_and_nothing_is_imported(write_csv, content, line, fragment):
    with pytest.raises(RegionImportError) as excinfo:
        regions_import_csv(path=write_csv(content))

    problems = excinfo.value.problems
    assert [p.line for p in problems] == [line]
    assert fragment in problems[0].message
    assert f"line {line}:" in str(excinfo.value)
    assert not Region.objects.exists()


def test_a_bad_row_deep_in_a_good_file_blocks_the_whole_file(write_csv):
    content = BENGKALIS_CSV.read_text(encoding="utf-8") + "14.03.99.2001,Orphan\n"

    with pytest.raises(RegionImportError) as excinfo:
        regions_import_csv(path=write_csv(content))

    assert excinfo.value.problems[0].line == 170
    assert not Region.objects.exists()


def test_a_refused_update_leaves_existing_names_alone(write_csv):
    regions_import_csv(path=write_csv(SMALL))
    content = SMALL.replace("Kelapapati", "Renamed") + "14.03.01.x,Broken\n"

    with pytest.raises(RegionImportError):
        regions_import_csv(path=write_csv(content))

    assert Region.objects.get(code="14.03.01.2004").name == "Kelapapati"


def test_many_problems_are_listed_sorted_and_the_summary_is_capped(write_csv):
    content = "".join(f"99.{n:02d},Orphan {n}\n" for n in range(30))

    with pytest.raises(RegionImportError) as excinfo:
        regions_import_csv(path=write_csv(content))

    error = excinfo.value
    assert len(error.problems) == 30
    assert [p.line for p in error.problems] == list(range(1, 31))
    summary = error.summary()
    assert "30 problem(s)" in summary
    assert "line 20:" in summary and "line 21:" not in summary
    assert "10 more" in summary


def test_not_utf8_is_refused_with_the_line(write_csv):
    path = write_csv(b"14,Riau\n14.03,Kabupaten Bengkalis\n" + "14.03.01,Bèngkalis\n".encode("latin-1"))

    with pytest.raises(RegionImportError) as excinfo:
        regions_import_csv(path=path)

    assert excinfo.value.problems[0].line == 3
    assert "UTF-8" in excinfo.value.problems[0].message


def test_only_admins_may_import(coordinator, admin, write_csv):
    with pytest.raises(PermissionDenied):
        regions_import_csv(actor=coordinator, path=write_csv(SMALL))
    assert not Region.objects.exists()
    assert regions_import_csv(actor=admin, path=write_csv(SMALL)).created == 4
