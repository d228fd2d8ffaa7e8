"""Imports a coordinator can get right: villages by name within their district, and every
fault of a row reported at once."""

import io

import pytest

from lindung.core.tests.factories import AdminFactory, CoordinatorFactory, bengkalis_village, region
from lindung.participants.models import Participant

from .import_helpers import HEADER, commit, counts, person, preview, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def coord():
    village = bengkalis_village()  # Kelapapati, district 14.03.01
    region("14.03.01.2005", "Senggoro")
    region("14.03.01.2006", "Meskom")
    region("14.03.01.2007", "Meskom")  # the same name twice in one district
    region("14.03.09.1001", "Air Jamban")  # another district
    return CoordinatorFactory(district=village.parent)


def errors(job):
    return [(e["row"], e["column"], e["message"]) for e in job.result["import"]["samples"]["error"]]


def test_a_village_name_in_the_coordinators_district_is_accepted(coord, django_capture_on_commit_callbacks):
    content = xlsx([("Peserta", [HEADER, person(1, c6="senggoro"), person(2, c6="Kelapapati ")])])
    job = preview(coord, content, capture=django_capture_on_commit_callbacks)
    assert counts(job)["new"] == 2, errors(job)
    commit(coord, job, capture=django_capture_on_commit_callbacks)
    assert set(Participant.objects.values_list("village__code", flat=True)) == {"14.03.01.2005", "14.03.01.2004"}


def test_unknown_ambiguous_and_other_district_names_say_what_to_change(coord, django_capture_on_commit_callbacks):
    rows = [HEADER, person(1, c6="Desa Entah"), person(2, c6="Meskom"), person(3, c6="Air Jamban")]
    job = preview(coord, xlsx([("Peserta", rows)]), capture=django_capture_on_commit_callbacks)
    found = {row: message for row, _column, message in errors(job)}
    assert "No village called “Desa Entah”" in found[2] and "write the village code" in found[2]
    assert "14.03.01.2006" in found[3] and "14.03.01.2007" in found[3]
    assert "No village called “Air Jamban”" in found[4]  # Mandau is not the coordinator's district


def test_a_village_code_still_works_anywhere(coord, django_capture_on_commit_callbacks):
    job = preview(coord, xlsx([("Peserta", [HEADER, person(1)])]), capture=django_capture_on_commit_callbacks)
    assert counts(job)["new"] == 1


def test_an_admin_without_a_coordinator_is_asked_for_codes(coord, django_capture_on_commit_callbacks):
    admin = AdminFactory()
    job = preview(admin, xlsx([("P", [HEADER, person(1, c6="Senggoro")])]), capture=django_capture_on_commit_callbacks)
    assert "not a village code" in errors(job)[0][2]
    ok = preview(
        admin,
        xlsx([("P", [HEADER, person(1, c6="Senggoro")])]),
        coordinator=coord,
        capture=django_capture_on_commit_callbacks,
    )
    assert counts(ok)["new"] == 1


def test_a_row_with_three_faults_shows_all_three(coord, django_capture_on_commit_callbacks):
    # Unknown village (the import's own lookup), a NIK whose date is not the birth date and a
    # landline (both the registration service's rules): before, only the village was reported.
    row = person(1, c3="18/06/1991", c6="Desa Entah", c7="0761-123456")
    job = preview(coord, xlsx([("Peserta", [HEADER, row])]), capture=django_capture_on_commit_callbacks)
    columns = sorted(column for _row, column, _message in errors(job))
    assert columns == ["Kode Desa", "NIK", "No HP"], errors(job)
    assert counts(job)["error"] == 1


def test_the_template_reads_back_as_its_example_row(coord, client, django_capture_on_commit_callbacks):
    import openpyxl

    client.force_login(coord)
    response = client.get("/participants/import/template.xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    villages = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert ("Kelapapati", "14.03.01.2004", "Bengkalis") in villages
    assert not any(code == "14.03.09.1001" for _name, code, _district in villages)  # not their district
    # Uploaded unchanged, the example row is the one participant and the villages sheet is skipped.
    job = preview(coord, response.content, capture=django_capture_on_commit_callbacks)
    assert counts(job) == {"new": 1, "updated": 0, "unchanged": 0, "error": 0}, errors(job)


def test_the_template_needs_a_staff_sign_in(client):
    assert client.get("/participants/import/template.xlsx").status_code == 302
