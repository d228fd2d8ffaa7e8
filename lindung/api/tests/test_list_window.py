"""A name search over the API is counted and paged as the list page does it: from its
matches, and within a window of COUNT_CAP of them when more match (the count's cap is
lowered here so a few rows exceed it). The answer says how exact ``count`` is."""

import datetime

import pytest
from django.urls import reverse

from lindung.core.tests.factories import mandau_village
from lindung.participants import selectors
from lindung.participants.tests.factories import ParticipantFactory

from .conftest import api_client

pytestmark = pytest.mark.django_db

LIST = reverse("api:participant-list")
CAP = 11


@pytest.fixture
def lestari(world, monkeypatch):
    """30 "… Lestari": 20 of coordinator a's, 10 of b's."""
    for i in range(30):
        ParticipantFactory(
            coordinator=world["a"] if i % 3 else world["b"],
            full_name=f"{['Dewi', 'Agus', 'Rina', 'Wayan'][i % 4]} Lestari",
            registration_date=datetime.date(2026, 2, 1) + datetime.timedelta(days=i % 5),
            **({"village": mandau_village()} if i % 2 else {}),
        )
    monkeypatch.setattr(selectors, "COUNT_CAP", CAP)
    monkeypatch.setattr(selectors, "MATCHES_FIRST_BELOW", CAP)


def all_pages(client, params):
    answers, page = [], 1
    while True:
        response = client.get(LIST, {**params, "page_size": 10, "page": page})
        if response.status_code == 404:
            return answers
        assert response.status_code == 200, response.json()
        answers.append(response.json())
        page += 1


@pytest.mark.parametrize("ordering", ["full_name", "-full_name", "registration_date", "-registration_date"])
@pytest.mark.parametrize("who", ["admin", "a"])
def test_more_matches_than_the_cap_are_paged_within_a_window_and_said_so(world, lestari, who, ordering):
    client = api_client(world[who])
    answers = all_pages(client, {"q": "lestari", "ordering": ordering})
    assert len(answers) == 2  # 11 rows in pages of 10; page 3 is "not found"
    assert all(a["count"] == CAP and a["count_is"] == "more_than" and a["window"] is True for a in answers)
    rows = [row for a in answers for row in a["results"]]
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)) == CAP
    assert all("Lestari" in row["full_name"] for row in rows)
    if who == "a":
        assert {row["coordinator"]["id"] for row in rows} == {world["a"].pk}
    field = ordering.lstrip("-")
    keys = [(row[field], row["id"]) for row in rows]
    assert keys == sorted(keys, reverse=ordering.startswith("-"))


def test_fewer_matches_than_the_cap_are_exact_and_in_order(world, lestari):
    client = api_client(world["b"])  # 10 matches: not more than the cap
    answers = all_pages(client, {"q": "lestari"})
    assert [(a["count"], a["count_is"], a["window"]) for a in answers] == [(10, "exact", False)]
    from lindung.participants.models import Participant

    want = Participant.objects.filter(coordinator=world["b"], name_key__contains="lestari").order_by("full_name", "id")
    assert [row["id"] for row in answers[0]["results"]] == list(want.values_list("pk", flat=True))


def test_other_lists_keep_the_exact_count_and_every_page(world, lestari):
    # No search, or a term the trigram index does not serve: the standard pages.
    client = api_client(world["admin"])
    for params in ({}, {"q": "a"}, {"status": "submitted"}):
        answers = all_pages(client, params)
        assert {(a["count"], a["count_is"], a["window"]) for a in answers} == {(answers[0]["count"], "exact", False)}
        assert answers[0]["count"] > CAP
        assert len({row["id"] for a in answers for row in a["results"]}) == answers[0]["count"]


def test_the_schema_documents_count_is_and_window(world):
    schema = api_client(world["admin"]).get(reverse("api:schema"), {"format": "json"}).json()
    listed = schema["paths"]["/api/participants/"]["get"]["responses"]["200"]["content"]["application/json"]
    ref = listed["schema"]["$ref"].rsplit("/", 1)[1]
    properties = schema["components"]["schemas"][ref]["properties"]
    enum = properties["count_is"]["allOf"][0]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][enum]["enum"] == ["exact", "about", "more_than"]
    assert "lower bound" in properties["count_is"]["description"]
    assert properties["window"]["type"] == "boolean"
