"""Every participant endpoint, for every kind of caller: nobody reaches another
coordinator's participants, and the answer for "not yours" is the answer for "missing"."""

import pytest
from django.urls import reverse

from lindung.core.tests.factories import UserFactory
from lindung.participants.models import Participant

from .conftest import api_client, payload

pytestmark = pytest.mark.django_db

LIST = reverse("api:participant-list")


def detail(p) -> str:
    return reverse("api:participant-detail", args=[p.pk])


def every_call(w):
    p = w["pa"]
    return [
        ("get", LIST, None),
        ("post", LIST, payload()),
        ("get", detail(p), None),
        ("put", detail(p), payload(nik=p.nik)),
        ("patch", detail(p), {"full_name": "Changed"}),
    ]


def test_anonymous_gets_401_everywhere(world):
    client = api_client()
    for method, url, data in every_call(world):
        response = getattr(client, method)(url, data, format="json")
        assert response.status_code == 401, (method, url)
        assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_is_401(world):
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(LIST).status_code == 401


def test_user_without_a_role_gets_403_everywhere(world):
    nobody = UserFactory(role="auditor")
    client = api_client(nobody)
    for method, url, data in every_call(world):
        assert getattr(client, method)(url, data, format="json").status_code == 403, (method, url)
    assert not Participant.objects.filter(full_name="Changed").exists()


def test_deactivated_user_token_stops_working(world):
    client = api_client(world["a"])
    assert client.get(LIST).status_code == 200
    world["a"].is_active = False
    world["a"].save()
    assert client.get(LIST).status_code == 401


@pytest.mark.parametrize("who, mine, theirs", [("a", "pa", "pb"), ("b", "pb", "pa")])
def test_coordinators_see_only_their_own(world, who, mine, theirs):
    client = api_client(world[who])
    ids = [row["id"] for row in client.get(LIST).json()["results"]]
    assert ids == [world[mine].pk]
    assert client.get(detail(world[mine])).status_code == 200


@pytest.mark.parametrize("who, theirs", [("a", "pb"), ("b", "pa")])
def test_other_coordinators_participant_is_404_like_a_missing_one(world, who, theirs):
    client = api_client(world[who])
    other = world[theirs]
    missing = reverse("api:participant-detail", args=[999999])
    for url in (detail(other), missing):
        assert client.get(url).status_code == 404
        assert client.patch(url, {"full_name": "Hijacked"}, format="json").status_code == 404
        assert client.put(url, payload(nik=other.nik), format="json").status_code == 404
    other.refresh_from_db()
    assert other.full_name != "Hijacked"
    assert client.get(detail(other)).json() == client.get(missing).json()


def test_admin_sees_and_changes_everyone(world):
    client = api_client(world["admin"])
    ids = {row["id"] for row in client.get(LIST).json()["results"]}
    assert ids == {world["pa"].pk, world["pb"].pk}
    for key in ("pa", "pb"):
        assert client.get(detail(world[key])).status_code == 200
        assert client.patch(detail(world[key]), {"occupation": "Nelayan"}, format="json").status_code == 200


@pytest.mark.parametrize("who", ["a", "admin"])
def test_delete_is_not_offered(world, who):
    client = api_client(world[who])
    assert client.delete(detail(world["pa"])).status_code == 405
    assert client.delete(LIST).status_code == 405
    assert Participant.objects.filter(pk=world["pa"].pk).exists()


def test_session_sign_in_works_too_but_needs_csrf(world):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world["a"])
    assert client.get(LIST).status_code == 200
    assert client.post(LIST, payload(), format="json").status_code == 403
