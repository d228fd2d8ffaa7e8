"""The participant list reads a search's page from its matches first when they are few
(PostgreSQL: a MATERIALIZED CTE the trigram index fills) and walks the name index when
they are many. Either way the page shows the same rows in the same order as the plain
ordered query, within the user's scope, on every database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindung.core.tests.factories import AdminFactory, CoordinatorFactory
from lindung.participants import selectors
from lindung.participants.models import Participant
from lindung.participants.names import normalize_name
from lindung.participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

GIVEN = ["Siti", "Ahmad", "Yanti", "Budi", "Wati", "Zainal"]


@pytest.fixture
def world():
    coord_a, coord_b, admin = CoordinatorFactory(), CoordinatorFactory(), AdminFactory()
    for i in range(36):
        given = GIVEN[i % len(GIVEN)]
        ParticipantFactory(
            coordinator=coord_a if i % 4 else coord_b, full_name=f"{given} {['Rahayu', 'Aminah', 'Ys'][i % 3]}"
        )
    ParticipantFactory(coordinator=coord_a, full_name="Qorinta Langka")
    return {"a": coord_a, "b": coord_b, "admin": admin}


def expected(user, term, order, offset, limit):
    rows = selectors.participants_visible_to(user)
    rows = rows.filter(name_key__contains=normalize_name(term))
    return list(rows.order_by(*order).values_list("pk", flat=True)[offset : offset + limit])


def page_of(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("participants:list"), params)
    assert response.status_code == 200
    table = response.context["table"]
    return [row.pk for row in table.page.object_list], [q["sql"] for q in queries.captured_queries]


SORTS = {"name": ("full_name", "id"), "-name": ("-full_name", "-id"), "registered": ("registration_date", "id")}


@pytest.mark.parametrize("who", ["admin", "a", "b"])
@pytest.mark.parametrize("term", ["siti", "yanti", "qorinta", "a", "zzzz"])
@pytest.mark.parametrize("matches_first_below", [0, 10_000])
def test_same_rows_and_order_whichever_plan(client, world, monkeypatch, who, term, matches_first_below):
    monkeypatch.setattr(selectors, "MATCHES_FIRST_BELOW", matches_first_below)
    client.force_login(world[who])
    for sort, order in SORTS.items():
        for page in (1, 2, 3):
            got, _ = page_of(client, {"q": term, "sort": sort, "per_page": 10, "page": page})
            want = expected(world[who], term, order, (page - 1) * 10, 10)
            if not want:  # past the last page the pager shows the last one
                continue
            assert got == want, (sort, page)


@pytest.mark.parametrize("who", ["a", "b"])
def test_a_coordinator_finds_only_their_own_rows_by_either_plan(client, world, who):
    client.force_login(world[who])
    mine = set(Participant.objects.filter(coordinator=world[who]).values_list("pk", flat=True))
    for term in ("siti", "a", "qorinta"):
        got, _ = page_of(client, {"q": term, "per_page": 100})
        assert set(got) <= mine
        assert bool(got) == (term != "qorinta" or who == "a")


def test_few_matches_are_counted_and_paged_from_the_matches_on_postgresql(client, world):
    client.force_login(world["admin"])
    got, sqls = page_of(client, {"q": "siti"})
    fenced = [sql for sql in sqls if "AS MATERIALIZED" in sql]
    if connection.vendor == "postgresql":
        assert len(fenced) == 2 and all("LIKE" in sql for sql in fenced)
        assert "SELECT count(*)" in fenced[0] and "ORDER BY" in fenced[1]
    else:
        assert fenced == []
    assert got == expected(world["admin"], "siti", ("full_name", "id"), 0, 25) and len(got) == 6


def test_many_matches_walk_the_name_index(client, world, monkeypatch):
    # More matches than the threshold keep the ordered walk with a LIMIT.
    monkeypatch.setattr(selectors, "MATCHES_FIRST_BELOW", 5)
    client.force_login(world["admin"])
    got, sqls = page_of(client, {"q": "siti"})  # 6 matches: more than 5
    assert not any("AS MATERIALIZED" in sql and "ORDER BY" in sql for sql in sqls)
    assert got == expected(world["admin"], "siti", ("full_name", "id"), 0, 25)
    _, sqls = page_of(client, {"q": "qorinta"})  # 1 match: at most 5
    assert any("AS MATERIALIZED" in sql and "ORDER BY" in sql for sql in sqls) == (connection.vendor == "postgresql")


@pytest.mark.parametrize("term", ["a", "si", "93", "9303", "1403010903880001", "081234567890"])
def test_short_terms_and_numbers_keep_the_plain_plan(client, world, term):
    # Under three characters the trigram index cannot find a term; numbers use the NIK,
    # KPJ and phone indexes.
    client.force_login(world["admin"])
    _, sqls = page_of(client, {"q": term})
    assert not any("AS MATERIALIZED" in sql for sql in sqls)


def test_searches_by_trigram():
    assert selectors.searches_by_trigram("Siti")
    assert selectors.searches_by_trigram("  s-i-t  ")
    assert not selectors.searches_by_trigram("si")
    assert not selectors.searches_by_trigram("93")
    assert not selectors.searches_by_trigram("9303")
    assert selectors.searches_by_trigram("930")  # three digits search the name, as before


def test_no_search_never_reads_matches_first(client, world):
    client.force_login(world["a"])
    _, sqls = page_of(client, {})
    assert not any("AS MATERIALIZED" in sql for sql in sqls)
