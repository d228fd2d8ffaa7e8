"""Every participant URL, for every kind of user: no coordinator reaches another's data."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from lindung.core.tests.factories import AdminFactory, CoordinatorFactory, bengkalis_village
from lindung.participants import services
from lindung.participants.models import Participant, Sex
from lindung.participants.tests.factories import ParticipantFactory, make_nik

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    coord_a, coord_b, admin = CoordinatorFactory(), CoordinatorFactory(), AdminFactory()
    mine = ParticipantFactory(coordinator=coord_a, full_name="Siti Aminah")
    pdf = SimpleUploadedFile("ktp.pdf", b"%PDF-1.4\n1 0 obj\n", content_type="application/pdf")
    document = services.document_add(actor=coord_a, participant=mine, kind="ktp", upload=pdf)
    member = services.family_member_add(
        actor=coord_a, participant=mine, data={"full_name": "Anak Siti", "relationship": "child", "is_heir": True}
    )
    return {"a": coord_a, "b": coord_b, "admin": admin, "p": mine, "doc": document, "member": member}


def object_urls(w):
    p, d = w["p"], w["doc"]
    return [
        ("get", reverse("participants:detail", args=[p.pk])),
        ("get", reverse("participants:edit", args=[p.pk])),
        ("post", reverse("participants:edit", args=[p.pk])),
        ("get", reverse("participants:delete", args=[p.pk])),
        ("post", reverse("participants:delete", args=[p.pk])),
        ("post", reverse("participants:document_upload", args=[p.pk])),
        ("get", reverse("participants:document_download", args=[p.pk, d.pk])),
        ("post", reverse("participants:document_delete", args=[p.pk, d.pk])),
        ("post", reverse("participants:family_add", args=[p.pk])),
        ("post", reverse("participants:family_delete", args=[p.pk, w["member"].pk])),
    ]


def test_anonymous_is_sent_to_login_everywhere(client, world):
    urls = [
        ("get", reverse("participants:list")),
        ("get", reverse("participants:create")),
        ("get", reverse("reports:export", args=["participants", "csv"])),
        ("get", reverse("participants:reassign")),
    ]
    for method, url in urls + object_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_other_coordinator_gets_404_on_every_object_url(client, world):
    client.force_login(world["b"])
    for method, url in object_urls(world):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    assert Participant.objects.filter(pk=world["p"].pk).exists()
    assert world["p"].documents.count() == 1
    assert world["p"].family_members.count() == 1


def test_a_missing_participant_answers_the_same_404(client, world):
    client.force_login(world["a"])
    assert client.get(reverse("participants:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("who", ["a", "admin"])
def test_owner_and_admin_open_the_participant_and_document(client, world, who):
    client.force_login(world[who])
    p, d = world["p"], world["doc"]
    page = client.get(reverse("participants:detail", args=[p.pk]))
    assert page.status_code == 200 and "Siti Aminah" in page.content.decode()
    download = client.get(reverse("participants:document_download", args=[p.pk, d.pk]))
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_document_of_another_participant_cannot_be_reached_through_mine(client, world):
    theirs = ParticipantFactory(coordinator=world["b"])
    client.force_login(world["b"])
    url = reverse("participants:document_download", args=[theirs.pk, world["doc"].pk])
    assert client.get(url).status_code == 404


def test_list_search_and_export_show_only_my_participants(client, world):
    ParticipantFactory(coordinator=world["b"], full_name="Siti Other")
    client.force_login(world["a"])
    body = client.get(reverse("participants:list"), {"q": "siti"}).content.decode()
    assert "Siti Aminah" in body and "Siti Other" not in body
    response = client.get(reverse("reports:export", args=["participants", "csv"]))
    csv_body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Siti Aminah" in csv_body and "Siti Other" not in csv_body
    client.force_login(world["admin"])
    body = client.get(reverse("participants:list"), {"q": "siti"}).content.decode()
    assert "Siti Aminah" in body and "Siti Other" in body


def test_filtering_by_another_coordinator_does_not_widen_scope(client, world):
    ParticipantFactory(coordinator=world["b"], full_name="Hidden Person")
    client.force_login(world["a"])
    body = client.get(reverse("participants:list"), {"coordinator": world["b"].pk}).content.decode()
    assert "Hidden Person" not in body


def test_reassign_page_is_admin_only(client, world):
    client.force_login(world["a"])
    assert client.get(reverse("participants:reassign")).status_code == 403
    client.force_login(world["admin"])
    response = client.post(
        reverse("participants:reassign"),
        {"from_coordinator": world["a"].pk, "to_coordinator": world["b"].pk, "reason": "moved", "confirm": "1"},
    )
    assert response.status_code == 302
    world["p"].refresh_from_db()
    assert world["p"].coordinator == world["b"]
    # after the handover the former coordinator no longer sees the participant
    client.force_login(world["a"])
    assert client.get(reverse("participants:detail", args=[world["p"].pk])).status_code == 404


def form_data(**overrides):
    village = bengkalis_village()
    values = {
        "nik": make_nik(datetime.date(1990, 5, 17), Sex.FEMALE, 7),
        "full_name": "Rina Marlina",
        "birth_place": "Bengkalis",
        "birth_date": "1990-05-17",
        "sex": "F",
        "address": "Jl. Hangtuah 3",
        "district": village.parent_id,
        "village": village.pk,
        "phone": "0812 7777 8888",
        "category": "informal",
        "status": "submitted",
    }
    values.update(overrides)
    return values


def test_register_shows_nik_error_beside_the_field_then_succeeds(client, world):
    client.force_login(world["a"])
    bad = client.post(reverse("participants:create"), form_data(sex="M"))
    assert bad.status_code == 200
    assert "nik" in bad.context["form"].errors
    assert 'id="id_nik_error"' in bad.content.decode()  # the id aria-describedby="id_nik_error" names
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "JPEG")
    good = client.post(
        reverse("participants:create"),
        {**form_data(), "document_ktp": SimpleUploadedFile("ktp.jpg", buffer.getvalue(), content_type="image/jpeg")},
        follow=True,
    )
    assert good.status_code == 200
    created = Participant.objects.get(full_name="Rina Marlina")
    assert created.coordinator == world["a"]
    assert created.documents.get().content_type == "image/jpeg"
    assert "has been registered" in good.content.decode()


def test_coordinator_cannot_take_over_by_posting_a_coordinator(client, world):
    client.force_login(world["a"])
    client.post(reverse("participants:create"), form_data(coordinator=world["b"].pk))
    assert Participant.objects.get(full_name="Rina Marlina").coordinator == world["a"]


def test_village_must_belong_to_the_district(client, world):
    client.force_login(world["a"])
    from lindung.core.tests.factories import mandau_village

    response = client.post(reverse("participants:create"), form_data(district=mandau_village().parent_id))
    assert "village" in response.context["form"].errors


def test_edit_records_history_visible_on_the_page(client, world):
    client.force_login(world["a"])
    p = world["p"]
    data = form_data(
        nik=p.nik, full_name=p.full_name, birth_date=p.birth_date.isoformat(), sex=p.sex, occupation="Pedagang"
    )
    response = client.post(reverse("participants:edit", args=[p.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    page = client.get(reverse("participants:detail", args=[p.pk])).content.decode()
    assert "Pedagang" in page and "has been saved" not in page  # message consumed by the redirect target
    p.refresh_from_db()
    assert p.occupation == "Pedagang"


def test_list_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    ParticipantFactory.create_batch(40, coordinator=world["a"])
    client.force_login(world["admin"])
    # session, user, filter choices, bounded count, page ids, page rows: constant in rows
    with django_assert_max_num_queries(13):
        response = client.get(reverse("participants:list"), {"per_page": 50})
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == 41


def test_per_page_sort_and_bad_params_are_tolerated(client, world):
    ParticipantFactory.create_batch(12, coordinator=world["a"])
    client.force_login(world["a"])
    response = client.get(reverse("participants:list"), {"per_page": 10, "sort": "-name", "page": "99"})
    table = response.context["table"]
    assert table.per_page == 10 and table.sort == "-name" and table.page.number == 2
    response = client.get(reverse("participants:list"), {"per_page": 7, "sort": "password", "page": "x"})
    table = response.context["table"]
    assert table.per_page == 25 and table.sort == "name" and table.page.number == 1


def test_family_members_are_added_with_checks_and_removed(client, world):
    client.force_login(world["a"])
    p = world["p"]
    bad = client.post(
        reverse("participants:family_add", args=[p.pk]),
        {"full_name": "Suami", "relationship": "spouse", "nik": "123", "phone": "x"},
    )
    assert bad.status_code == 200 and {"nik", "phone"} <= set(bad.context["form"].errors)
    good = client.post(
        reverse("participants:family_add", args=[p.pk]),
        {"full_name": "Suami Siti", "relationship": "spouse", "phone": "0812-1111-2222", "is_heir": "on"},
    )
    assert good.status_code == 302
    assert p.family_members.get(full_name="Suami Siti").phone == "+6281211112222"
    response = client.post(reverse("participants:family_delete", args=[p.pk, world["member"].pk]))
    assert response.status_code == 302 and not p.family_members.filter(pk=world["member"].pk).exists()


def test_big_results_say_more_than_instead_of_counting_all(client, world, monkeypatch):
    from lindung.participants import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    ParticipantFactory.create_batch(8, coordinator=world["a"])
    client.force_login(world["a"])
    response = client.get(reverse("participants:list"), {"per_page": 10})
    table = response.context["table"]
    assert table.row_count.at_least and table.row_count.value == 5
    assert "more than 5" in response.content.decode()
    assert len(table.page.object_list) == 5  # the pager stops at the bound


def test_pages_keep_their_sort_order_when_loaded_by_id(client, world):
    names = ["Zainal", "Amir", "Maya", "Bayu", "Citra", "Yudi"]
    for name in names:
        ParticipantFactory(coordinator=world["a"], full_name=name)
    client.force_login(world["a"])
    table = client.get(reverse("participants:list"), {"per_page": 10, "sort": "-name"}).context["table"]
    shown = [p.full_name for p in table.page.object_list]
    assert shown == sorted([*names, "Siti Aminah"], reverse=True)
    page2 = client.get(reverse("participants:list"), {"per_page": 10, "sort": "name", "page": 1}).context["table"]
    assert [p.full_name for p in page2.page.object_list][:2] == ["Amir", "Bayu"]


def test_at_national_scale_districts_are_offered_per_regency_but_all_still_filter(client, world, monkeypatch):
    from lindung.core.tests.factories import region
    from lindung.regions import fields

    monkeypatch.setattr(fields, "MAX_DISTRICT_OPTIONS", 1)
    region("14.03.09", "Mandau")
    region("12.01.01", "Far Away District")
    far = ParticipantFactory(
        coordinator=world["a"], full_name="Far Person", village=region("12.01.01.2001", "Desa Jauh")
    )
    world["admin"].district = region("14.03.01", "Bengkalis")
    world["admin"].save()
    client.force_login(world["admin"])
    response = client.get(reverse("participants:list"))
    form = response.context["filter_form"]
    assert "regency" in form.fields
    offered = [value for value, _label in form.fields["district"].widget.choices if value]
    assert set(offered) == {"14.03.01", "14.03.09"}  # the admin's home regency only
    filtered = client.get(reverse("participants:list"), {"district": "12.01.01"}).context["table"]
    assert [p.pk for p in filtered.page.object_list] == [far.pk]
    by_regency = client.get(reverse("participants:list"), {"regency": "12.01"}).context["filter_form"]
    assert [v for v, _l in by_regency.fields["district"].widget.choices if v] == ["12.01.01"]
