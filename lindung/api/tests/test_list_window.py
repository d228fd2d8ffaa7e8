"""A name search over the API is counted and paged as the list page does it: from its
matches, and, sorted by name, within a window of the COUNT_CAP first names that begin with
it when more than COUNT_CAP do (the count's cap is lowered here so a few rows exceed it).
The answer says how exact ``count`` is and whether the pages are a window."""

import datetime

import pytest
from django.urls import reverse

from lindung.core.tests.factories import mandau_village
from lindung.participants import selectors
from lindung.participants.models import Participant
from lindung.participants.tests.factories import ParticipantFactory

from .conftest import api_client

pytestmark = pytest.mark.django_db

LIST = reverse("api:participant-list")
CAP = 11


@pytest.fixture
def lestari(world, monkeypatch):
    """36 names with "lestari", 30 of them beginning with it: 20 of coordinator a's, 10 of b's."""
    for i in range(36):
        given = ["Dewi", "Agus", "Rina", "Wayan"][i % 4]
        ParticipantFactory(
            coordinator=world["a"] if i % 3 else world["b"],
            full_name=f"Lestari {given}" if i < 30 else f"{given} Lestari",
            birth_date=datetime.date(1980 + i % 3, 1, 1),
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
def test_more_matches_than_the_cap_reach_cap_rows_and_say_so(world, lestari, who, ordering):
    client = api_client(world[who])
    answers = all_pages(client, {"q": "lestari", "ordering": ordering})
    assert len(answers) == 2  # 11 rows in pages of 10; page 3 is "not found"
    # Another ordering is refused (the answer says so): the pages are by name.
    by_name = ordering.lstrip("-") == "full_name"
    assert all((a["count"], a["count_is"], a["window"]) == (CAP, "more_than", True) for a in answers)
    assert all(a.get("ordering_refused") == (None if by_name else ordering) for a in answers)
    ids = [row["id"] for a in answers for row in a["results"]]
    visible = selectors.participants_visible_to(world[who])
    # The window: the first CAP names beginning with the term, in name order.
    order = ("name_key", "birth_date", "id")
    if ordering.startswith("-") and by_name:
        order = tuple(f"-{field}" for field in order)
    want = visible.filter(name_key__startswith="lestari").order_by(*order)
    assert ids == list(want.values_list("pk", flat=True)[:CAP])


@pytest.mark.parametrize("ordering", ["registration_date", "-nik", "status", "-updated_at"])
@pytest.mark.parametrize("who", ["a", "b"])
def test_over_the_cap_another_ordering_is_refused_within_the_callers_scope(world, lestari, monkeypatch, who, ordering):
    # "dewi" (9 matches: 6 of a's, 3 of b's; one begins with it, so no window): a cap of
    # 5 makes a's search over it, b's within it. Over it, the plain query by name; within it, the
    # asked ordering. Never another coordinator's rows.
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    monkeypatch.setattr(selectors, "MATCHES_FIRST_BELOW", 5)
    client = api_client(world[who])
    response = client.get(LIST, {"q": "dewi", "ordering": ordering, "page_size": 50})
    assert response.status_code == 200
    answer = response.json()
    mine = Participant.objects.filter(coordinator=world[who], name_key__contains="dewi")
    ids = [row["id"] for row in answer["results"]]
    assert set(ids) <= set(mine.values_list("pk", flat=True))
    if mine.count() > 5:
        assert answer["count_is"] == "more_than" and answer["ordering_refused"] == ordering
        assert ids == list(mine.order_by("full_name", "id").values_list("pk", flat=True)[:5])
    else:
        assert answer["count_is"] == "exact" and "ordering_refused" not in answer
        order = (ordering, "-id" if ordering.startswith("-") else "id")
        assert ids == list(mine.order_by(*order).values_list("pk", flat=True))


def test_fewer_matches_than_the_cap_are_exact_and_in_order(world, lestari, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 100)
    client = api_client(world["b"])  # 12 matches
    answers = all_pages(client, {"q": "lestari"})
    assert [(a["count"], a["count_is"], a["window"]) for a in answers] == [(12, "exact", False)] * 2
    want = Participant.objects.filter(coordinator=world["b"], name_key__contains="lestari").order_by("full_name", "id")
    assert [row["id"] for a in answers for row in a["results"]] == list(want.values_list("pk", flat=True))


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


def test_more_matches_than_the_cap_are_paged_through_their_first_rows_only(world, lestari, monkeypatch):
    monkeypatch.setattr(selectors, "PAGED_OVER_CAP", 10)
    client = api_client(world["admin"])
    answers = all_pages(client, {"q": "lestari"})
    assert len(answers) == 1  # page 2 would start past the 10 rows reached: not found
    assert (answers[0]["count"], answers[0]["count_is"], answers[0]["pages_reach"]) == (CAP, "more_than", 10)
    assert len(answers[0]["results"]) == 10 and answers[0]["next"] is None
    # Within the cap there is nothing to say.
    monkeypatch.setattr(selectors, "COUNT_CAP", 100)
    within = api_client(world["b"]).get(LIST, {"q": "lestari", "page_size": 10}).json()
    assert within["count_is"] == "exact" and "pages_reach" not in within
