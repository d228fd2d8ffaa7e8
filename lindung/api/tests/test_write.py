"""Create and update through the API: the services' rules, answered as field errors."""

import pytest
from django.urls import reverse

from lindung.communities.tests.factories import CommunityGroupFactory
from lindung.core.tests.factories import AdminFactory, CoordinatorFactory
from lindung.participants.models import Participant, Status
from lindung.participants.services import DUPLICATE_NIK_MESSAGE
from lindung.participants.tests.factories import ParticipantFactory

from .conftest import api_client, payload

pytestmark = pytest.mark.django_db

LIST = reverse("api:participant-list")


def detail(pk: int) -> str:
    return reverse("api:participant-detail", args=[pk])


def test_coordinator_registers_and_gets_the_read_representation(world):
    response = api_client(world["a"]).post(LIST, payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    p = Participant.objects.get(pk=body["id"])
    assert response["Location"] == detail(p.pk)
    assert body["full_name"] == "Ahmad Fauzi"  # cleaned by the service
    assert body["phone"] == "+6281234567890"
    assert body["village"] == {"code": "14.03.01.2004", "name": "Kelapapati"}
    assert body["district"]["code"] == "14.03.01"
    assert body["coordinator"] == {"id": world["a"].pk, "name": str(world["a"])}
    assert body["registered_by"] == world["a"].pk
    assert body["status"] == Status.SUBMITTED
    assert body["community_group"] is None
    assert p.history.first().history_user == world["a"]


def test_invalid_nik_is_a_400_under_nik(world):
    response = api_client(world["a"]).post(LIST, payload(nik="1234"), format="json")
    assert response.status_code == 400
    assert response.json()["nik"] == ["A NIK has exactly 16 digits."]
    assert not Participant.objects.filter(full_name="Ahmad Fauzi").exists()


def test_nik_that_disagrees_with_the_birth_date_is_refused_by_the_service(world):
    response = api_client(world["a"]).post(LIST, payload(birth_date="1991-05-17"), format="json")
    assert response.status_code == 400 and list(response.json()) == ["nik"]


def test_bad_phone_and_unknown_village_are_field_errors(world):
    response = api_client(world["a"]).post(LIST, payload(phone="12345", village="99.99.99.9999"), format="json")
    assert response.status_code == 400
    assert response.json()["village"] == ["No region has the code 99.99.99.9999."]
    # Serializer errors come first; the phone is then judged by the service.
    response = api_client(world["a"]).post(LIST, payload(phone="12345"), format="json")
    assert response.status_code == 400 and "phone" in response.json()


def test_a_village_code_with_a_nul_byte_is_a_400_not_a_server_error(world):
    # Found by the schema fuzz test: PostgreSQL refuses NUL in a query's text.
    response = api_client(world["a"]).post(LIST, payload(village="14.03\x00"), format="json")
    assert response.status_code == 400 and "village" in response.json()


def test_a_district_is_not_a_village(world):
    response = api_client(world["a"]).post(LIST, payload(village="14.03.01"), format="json")
    assert response.status_code == 400
    assert response.json()["village"] == ["Choose a village (desa/kelurahan)."]


def test_duplicate_nik_is_refused_without_naming_the_owner(world):
    theirs = world["pb"]
    response = api_client(world["a"]).post(
        LIST,
        payload(nik=theirs.nik, birth_date=theirs.birth_date.isoformat(), sex=theirs.sex),
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"nik": [DUPLICATE_NIK_MESSAGE]}
    text = response.content.decode()
    assert world["b"].username not in text and theirs.full_name not in text and str(theirs.pk) not in text


def test_duplicate_nik_on_update_too(world):
    theirs = world["pb"]
    mine = world["pa"]
    response = api_client(world["a"]).patch(detail(mine.pk), {"nik": theirs.nik}, format="json")
    assert response.status_code == 400 and response.json() == {"nik": [DUPLICATE_NIK_MESSAGE]}


def test_missing_required_fields(world):
    response = api_client(world["a"]).post(LIST, {}, format="json")
    assert response.status_code == 400
    assert {"nik", "full_name", "birth_place", "birth_date", "sex", "address", "village"} <= response.json().keys()


def test_coordinator_naming_another_coordinator_still_owns_the_participant(world):
    response = api_client(world["a"]).post(LIST, payload(coordinator=world["b"].pk), format="json")
    assert response.status_code == 201
    assert Participant.objects.get(pk=response.json()["id"]).coordinator == world["a"]


def test_coordinator_cannot_move_their_participant_to_someone_else(world):
    mine = world["pa"]
    response = api_client(world["a"]).patch(detail(mine.pk), {"coordinator": world["b"].pk}, format="json")
    assert response.status_code == 200
    mine.refresh_from_db()
    assert mine.coordinator == world["a"]


def test_admin_names_the_coordinator_on_create(world):
    response = api_client(world["admin"]).post(LIST, payload(coordinator=world["b"].pk), format="json")
    assert response.status_code == 201
    p = Participant.objects.get(pk=response.json()["id"])
    assert p.coordinator == world["b"] and p.registered_by == world["admin"]


def test_admin_may_register_without_a_coordinator(world):
    response = api_client(world["admin"]).post(LIST, payload(), format="json")
    assert response.status_code == 201 and response.json()["coordinator"] is None


def test_admin_cannot_assign_to_a_non_coordinator(world):
    response = api_client(world["admin"]).post(LIST, payload(coordinator=AdminFactory().pk), format="json")
    assert response.status_code == 400 and response.json()["coordinator"] == ["Coordinator not found."]


def test_admin_reassigns_through_patch_with_history(world):
    p = world["pa"]
    response = api_client(world["admin"]).patch(
        detail(p.pk), {"coordinator": world["b"].pk, "occupation": "Petani"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["coordinator"]["id"] == world["b"].pk
    p.refresh_from_db()
    assert p.coordinator == world["b"] and p.occupation == "Petani"
    assert p.history.first().history_user == world["admin"]
    assert api_client(world["a"]).get(detail(p.pk)).status_code == 404


def test_admin_cannot_leave_a_participant_without_coordinator(world):
    p = world["pa"]
    response = api_client(world["admin"]).patch(detail(p.pk), {"coordinator": None}, format="json")
    assert response.status_code == 400 and "coordinator" in response.json()


def test_a_failed_reassignment_rolls_back_the_field_changes(world, monkeypatch):
    from django.core.exceptions import ValidationError

    from lindung.participants import services

    def refuse(**kwargs):
        raise ValidationError({"coordinator": "Choose an active coordinator."})

    monkeypatch.setattr(services, "participants_reassign", refuse)
    p = world["pa"]
    response = api_client(world["admin"]).patch(
        detail(p.pk), {"coordinator": world["b"].pk, "occupation": "Petani"}, format="json"
    )
    assert response.status_code == 400 and response.json() == {"coordinator": ["Choose an active coordinator."]}
    p.refresh_from_db()
    assert p.occupation == "" and p.coordinator == world["a"]


def test_group_of_another_coordinator_is_not_found(world):
    theirs = CommunityGroupFactory(coordinator=world["b"])
    mine = CommunityGroupFactory(coordinator=world["a"])
    client = api_client(world["a"])
    response = client.post(LIST, payload(community_group=theirs.pk), format="json")
    assert response.status_code == 400
    assert response.json()["community_group"] == ["Community group not found."]
    assert client.post(LIST, payload(community_group=999999), format="json").json() == response.json()
    created = client.post(LIST, payload(community_group=mine.pk), format="json")
    assert created.status_code == 201
    assert created.json()["community_group"] == {"id": mine.pk, "name": mine.name}


def test_admin_may_use_any_group(world):
    group = CommunityGroupFactory(coordinator=world["b"])
    response = api_client(world["admin"]).patch(detail(world["pa"].pk), {"community_group": group.pk}, format="json")
    assert response.status_code == 200 and response.json()["community_group"]["id"] == group.pk


def test_coordinator_cannot_activate_or_set_the_kpj(world):
    """Same as the form: status beyond submitted and the KPJ are the administrator's."""
    client = api_client(world["a"])
    p = world["pa"]
    response = client.patch(detail(p.pk), {"status": Status.ACTIVE}, format="json")
    assert response.status_code == 400 and "status" in response.json()
    assert client.patch(detail(p.pk), {"status": Status.DRAFT}, format="json").status_code == 200
    response = client.patch(detail(p.pk), {"membership_number": "12345678901"}, format="json")
    assert response.status_code == 200 and response.json()["membership_number"] is None


def test_coordinator_may_keep_a_status_the_admin_set(world):
    p = ParticipantFactory(coordinator=world["a"], status=Status.ACTIVE)
    client = api_client(world["a"])
    response = client.patch(detail(p.pk), {"status": Status.ACTIVE, "occupation": "Nelayan"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == Status.ACTIVE


def test_admin_activates_and_sets_the_kpj(world):
    p = world["pa"]
    response = api_client(world["admin"]).patch(
        detail(p.pk), {"status": Status.ACTIVE, "membership_number": " 12345678901 "}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == Status.ACTIVE and response.json()["membership_number"] == "12345678901"


def test_consent_needs_a_method_and_gets_a_time(world):
    client = api_client(world["a"])
    p = world["pa"]
    response = client.patch(detail(p.pk), {"contact_consent": True}, format="json")
    assert response.status_code == 400 and "consent_method" in response.json()
    response = client.patch(detail(p.pk), {"contact_consent": True, "consent_method": "verbal"}, format="json")
    assert response.status_code == 200 and response.json()["consent_at"] is not None


def test_put_replaces_and_keeps_what_is_not_editable(world):
    p = world["pa"]
    body = payload(nik=p.nik, birth_date=p.birth_date.isoformat(), full_name="Siti  Aminah Binti Ali")
    response = api_client(world["a"]).put(detail(p.pk), body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["full_name"] == "Siti Aminah Binti Ali"
    p.refresh_from_db()
    assert p.coordinator == world["a"] and p.registration_date.isoformat() == response.json()["registration_date"]


def test_put_needs_the_required_fields(world):
    response = api_client(world["a"]).put(detail(world["pa"].pk), {"full_name": "X"}, format="json")
    assert response.status_code == 400 and "nik" in response.json()


def test_likely_duplicate_is_flagged_in_the_answer(world):
    other = CoordinatorFactory()
    client = api_client(other)
    first = client.post(LIST, payload(), format="json").json()
    assert first["possible_duplicate"] is False
    second = api_client(world["a"]).post(
        LIST, payload(nik=payload()["nik"][:-4] + "0777", full_name="AHMAD FAUZI"), format="json"
    )
    assert second.status_code == 201 and second.json()["possible_duplicate"] is True
