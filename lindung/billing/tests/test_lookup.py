"""Bulk NIK lookup: scoping (not yours = not found), caps, file input, CSV."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.billing.lookup.services import MAX_LOOKUP, arrears_for, lookup_niks, niks_from_text
from lindung.core.tests.factories import AdminFactory, CoordinatorFactory
from lindung.participants.models import Sex
from lindung.participants.tests.factories import ParticipantFactory, make_nik
from lindung.participants.tests.import_helpers import xlsx

pytestmark = pytest.mark.django_db
BORN = datetime.date(1988, 3, 9)


@pytest.fixture
def world():
    a, b = CoordinatorFactory(), CoordinatorFactory()
    mine = ParticipantFactory(coordinator=a, full_name="Milik A", membership_number="11223344")
    theirs = ParticipantFactory(coordinator=b, full_name="Milik B")
    return {"a": a, "b": b, "mine": mine, "theirs": theirs}


def test_niks_are_found_in_any_layout():
    text = "1403 0109 0388 0001\n1403010903880002, 1403010903880003;1403010903880001\t12345 1403010903880004"
    assert niks_from_text(text) == [
        "1403010903880001",
        "1403010903880002",
        "1403010903880003",
        "12345",
        "1403010903880004",
    ]


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("billing:lookup"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_other_coordinators_participants_answer_like_missing_ones(client, world):
    client.force_login(world["a"])
    missing = make_nik(BORN, Sex.MALE, 999)
    niks = f"{world['mine'].nik}\n{world['theirs'].nik}\n{missing}"
    page = client.post(reverse("billing:lookup"), {"niks": niks}).content.decode()
    assert "Milik A" in page and "11223344" in page and "Milik B" not in page
    assert page.count("not found") == 2 and "1 of 3 NIKs found" in page
    assert "past their due date" in page


def test_admin_finds_everyone(client, world):
    client.force_login(AdminFactory())
    page = client.post(reverse("billing:lookup"), {"niks": f"{world['mine'].nik},{world['theirs'].nik}"})
    assert "2 of 2 NIKs found" in page.content.decode()


def test_csv_download(client, world):
    client.force_login(world["a"])
    response = client.post(
        reverse("billing:lookup"), {"niks": f"{world['mine'].nik}\n{world['theirs'].nik}", "download": "csv"}
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "NIK,Found,Name,Status,KPJ,Arrears (Rp)"
    assert lines[1] == f"{world['mine'].nik},yes,Milik A,Submitted,11223344,0"
    assert lines[2] == f"{world['theirs'].nik},no,,,,"


def test_file_with_a_nik_column(client, world):
    client.force_login(world["a"])
    content = xlsx([("S", [["No", "NIK"], [1, world["mine"].nik], [2, world["theirs"].nik]])])
    upload = SimpleUploadedFile("daftar.xlsx", content)
    page = client.post(reverse("billing:lookup"), {"file": upload}).content.decode()
    assert "1 of 2 NIKs found" in page
    bad = SimpleUploadedFile("daftar.csv", b"Nama\r\nBudi\r\n")
    assert "No column named NIK" in client.post(reverse("billing:lookup"), {"file": bad}).content.decode()


def test_cap_and_one_query_per_thousand(client, world, django_assert_max_num_queries):
    client.force_login(world["a"])
    too_many = "\n".join(make_nik(BORN, Sex.MALE, i) for i in range(1, MAX_LOOKUP + 2))
    page = client.post(reverse("billing:lookup"), {"niks": too_many}).content.decode()
    assert "At most 5,000 NIKs" in page
    many = "\n".join(make_nik(BORN, Sex.MALE, i) for i in range(1, 2001))
    # session and user, two chunks of nik__in, one grouped query for the arrears
    with django_assert_max_num_queries(3 + 2 + 2 + 1):
        client.post(reverse("billing:lookup"), {"niks": many})


def test_empty_form_says_what_to_do(client, world):
    client.force_login(world["a"])
    assert "Paste NIKs or choose a file" in client.post(reverse("billing:lookup"), {}).content.decode()


def test_arrears_are_the_bills_past_due_and_unpaid(world):
    from lindung.billing.tests.arrears_data import bill, months_ago

    mine = world["mine"]
    bill(mine, months_ago(3), amount=16_800)
    bill(mine, months_ago(2), amount=16_800, paid=6_800)
    bill(mine, months_ago(1), amount=16_800, paid=16_800)
    assert arrears_for([mine, world["theirs"]]) == {mine.pk: 16_800 + 10_000, world["theirs"].pk: 0}
    (row,) = lookup_niks(world["a"], [mine.nik])
    assert (row.arrears, row.arrears_months) == (26_800, 2)
