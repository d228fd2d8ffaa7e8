"""The list endpoint: search, filters, ordering, pagination and its query count."""

import datetime

import pytest
from django.urls import reverse

from lindung.communities.tests.factories import CommunityGroupFactory
from lindung.core.tests.factories import mandau_village
from lindung.participants.models import Category, Status
from lindung.participants.tests.factories import ParticipantFactory

from .conftest import api_client

pytestmark = pytest.mark.django_db

LIST = reverse("api:participant-list")


def names(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["full_name"] for row in response.json()["results"]]


def test_row_shape(world):
    group = CommunityGroupFactory(coordinator=world["a"])
    ParticipantFactory(coordinator=world["a"], full_name="Zaenal", community_group=group)
    rows = api_client(world["a"]).get(LIST, {"q": "zaenal"}).json()["results"]
    assert rows == [
        {
            "id": rows[0]["id"],
            "nik": rows[0]["nik"],
            "full_name": "Zaenal",
            "village": {"code": "14.03.01.2004", "name": "Kelapapati"},
            "district": {"code": "14.03.01", "name": "Bengkalis"},
            "phone": "+6281234567890",
            "community_group": {"id": group.pk, "name": group.name},
            "coordinator": {"id": world["a"].pk, "name": str(world["a"])},
            "status": Status.SUBMITTED,
            "registration_date": "2026-01-05",
            "possible_duplicate": False,
        }
    ]
    assert len(rows[0]["nik"]) == 16  # full NIK, see README.md


def test_search_by_name_nik_prefix_and_phone(world):
    client = api_client(world["a"])
    p = world["pa"]
    ParticipantFactory(coordinator=world["a"], full_name="Rudi", phone="+6285200000000", membership_number="98765")
    assert names(client.get(LIST, {"q": "  aminah "})) == ["Siti Aminah"]
    assert names(client.get(LIST, {"q": p.nik[:6]})) == ["Rudi", "Siti Aminah"]
    assert names(client.get(LIST, {"q": p.nik})) == ["Siti Aminah"]
    assert names(client.get(LIST, {"q": "0852-0000-0000"})) == ["Rudi"]
    assert names(client.get(LIST, {"q": "98765"})) == ["Rudi"]
    # Another coordinator's participant is never found, even by their exact NIK.
    assert names(client.get(LIST, {"q": world["pb"].nik})) == []


def test_filters(world):
    a = world["a"]
    group = CommunityGroupFactory(coordinator=a)
    ParticipantFactory(coordinator=a, full_name="In Group", community_group=group)
    mandau = mandau_village()
    ParticipantFactory(coordinator=a, full_name="In Mandau", village=mandau, district=mandau.parent)
    ParticipantFactory(coordinator=a, full_name="Migrant", category=Category.MIGRANT, status=Status.ACTIVE)
    ParticipantFactory(coordinator=a, full_name="Flagged", possible_duplicate=True)
    client = api_client(a)
    assert names(client.get(LIST, {"group": group.pk})) == ["In Group"]
    assert names(client.get(LIST, {"district": "14.03.09"})) == ["In Mandau"]
    assert names(client.get(LIST, {"village": mandau.code})) == ["In Mandau"]
    assert names(client.get(LIST, {"category": Category.MIGRANT})) == ["Migrant"]
    assert names(client.get(LIST, {"status": Status.ACTIVE})) == ["Migrant"]
    assert names(client.get(LIST, {"possible_duplicate": "true"})) == ["Flagged"]
    assert len(names(client.get(LIST, {"possible_duplicate": "false"}))) == 5
    assert names(client.get(LIST, {"status": Status.ACTIVE, "q": "aminah"})) == []


def test_coordinator_filter_for_admin_and_scope_for_coordinators(world):
    assert names(api_client(world["admin"]).get(LIST, {"coordinator": world["b"].pk})) == ["Budi Santoso"]
    # A coordinator asking for someone else's participants gets none, not theirs.
    assert names(api_client(world["a"]).get(LIST, {"coordinator": world["b"].pk})) == []


def test_bad_query_parameters_are_400(world):
    client = api_client(world["a"])
    for params in ({"status": "nonsense"}, {"group": "abc"}, {"ordering": "address"}, {"q": "x" * 101}):
        response = client.get(LIST, params)
        assert response.status_code == 400, params
        assert set(response.json()) == set(params)


def test_ordering(world):
    a = world["a"]
    ParticipantFactory(coordinator=a, full_name="Andi", registration_date=datetime.date(2026, 3, 1))
    ParticipantFactory(coordinator=a, full_name="Zubaidah", registration_date=datetime.date(2025, 1, 1))
    client = api_client(a)
    assert names(client.get(LIST)) == ["Andi", "Siti Aminah", "Zubaidah"]
    assert names(client.get(LIST, {"ordering": "-full_name"})) == ["Zubaidah", "Siti Aminah", "Andi"]
    assert names(client.get(LIST, {"ordering": "registration_date"})) == ["Zubaidah", "Siti Aminah", "Andi"]


def test_pagination_and_page_size_cap(world):
    ParticipantFactory.create_batch(104, coordinator=world["a"])
    client = api_client(world["a"])
    first = client.get(LIST).json()
    assert first["count"] == 105 and len(first["results"]) == 25 and first["previous"] is None
    assert "page=2" in first["next"]
    assert len(client.get(LIST, {"page_size": 10, "page": 3}).json()["results"]) == 10
    capped = client.get(LIST, {"page_size": 500}).json()
    assert len(capped["results"]) == 100
    last = client.get(LIST, {"page_size": 100, "page": 2}).json()
    assert len(last["results"]) == 5 and last["next"] is None
    assert client.get(LIST, {"page": 99}).status_code == 404
    seen = [r["id"] for page in (1, 2) for r in client.get(LIST, {"page_size": 100, "page": page}).json()["results"]]
    assert len(set(seen)) == 105


@pytest.mark.parametrize("who", ["a", "admin"])
def test_list_query_count_does_not_grow_with_rows(world, who, django_assert_max_num_queries):
    for _ in range(35):
        group = CommunityGroupFactory(coordinator=world["a"])
        ParticipantFactory(coordinator=world["a"], community_group=group)
    client = api_client(world[who])
    # Token + user, count, page.
    with django_assert_max_num_queries(3):
        response = client.get(LIST, {"page_size": 50})
    assert len(response.json()["results"]) == (37 if who == "admin" else 36)


def test_detail_query_count(world, django_assert_max_num_queries):
    client = api_client(world["a"])
    with django_assert_max_num_queries(2):
        assert client.get(reverse("api:participant-detail", args=[world["pa"].pk])).status_code == 200
