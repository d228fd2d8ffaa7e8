"""The participant list reads a search's page from its matches first when they are few
(PostgreSQL: a MATERIALIZED CTE the trigram index fills) and walks the name index when
they are many. Either way the page shows the same rows in the same order as the plain
ordered query, within the user's scope, on every database.

A name search with more matches than the count's cap (COUNT_CAP, lowered here so a few
rows exceed it) is paged within a window of COUNT_CAP of its matches, sorted as asked,
and the page says so; the exports of the same search still hold every match."""

import csv
import datetime
import io
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindung.core.tests.factories import AdminFactory, CoordinatorFactory, bengkalis_village, mandau_village
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
        extra = {"village": mandau_village()} if i % 5 == 0 else {}
        ParticipantFactory(
            coordinator=coord_a if i % 4 else coord_b,
            full_name=f"{given} {['Rahayu', 'Aminah', 'Ys'][i % 3]}",
            registration_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=i % 7),
            **extra,
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


SORTS = {
    "name": ("full_name", "id"),
    "-name": ("-full_name", "-id"),
    "registered": ("registration_date", "id"),
    "-village": ("-village__name", "-id"),
}


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


# The count's cap, lowered so a few rows exceed it (a page has at least 10 rows). Matches
# (admin / coordinator a / coordinator b): "lestari" 30 / 20 / 10, "rahayu" 12 / 9 / 3,
# "siti" 6 / 3 / 3.
CAP = 11


@pytest.fixture
def capped(world, monkeypatch):
    for i in range(30):
        ParticipantFactory(
            coordinator=world["a"] if i % 3 else world["b"],
            full_name=f"{['Dewi', 'Agus', 'Rina', 'Wayan'][i % 4]} Lestari",
            registration_date=datetime.date(2026, 2, 1) + datetime.timedelta(days=i % 5),
            village=mandau_village() if i % 2 else bengkalis_village(),
        )
    monkeypatch.setattr(selectors, "COUNT_CAP", CAP)
    monkeypatch.setattr(selectors, "MATCHES_FIRST_BELOW", CAP)


def window_pages(client, term, sort, per_page=10):
    """Every page of the window in turn: (rows of each page, the last response)."""
    pages = []
    for number in range(1, math.ceil(CAP / per_page) + 2):  # one page past the window
        response = client.get(
            reverse("participants:list"), {"q": term, "sort": sort, "per_page": per_page, "page": number}
        )
        assert response.status_code == 200
        table = response.context["table"]
        pages.append(list(table.page.object_list))
    return pages, response


def sort_value(row, order):
    values = []
    for field in order:
        value = row
        for part in field.lstrip("-").split("__"):
            value = getattr(value, part)
        values.append(value)
    return tuple(values)


@pytest.mark.parametrize("who", ["admin", "a", "b"])
@pytest.mark.parametrize("term", ["lestari", "rahayu", "siti"])
def test_more_matches_than_the_cap_are_paged_within_a_window_that_says_so(client, world, capped, who, term):
    user = world[who]
    client.force_login(user)
    visible = selectors.participants_visible_to(user)
    matching = set(visible.filter(name_key__contains=term).values_list("pk", flat=True))
    for sort, order in SORTS.items():
        pages, response = window_pages(client, term, sort)
        table = response.context["table"]
        rows = [row for page in pages[:-1] for row in page]
        shown = [row.pk for row in rows]
        if len(matching) <= CAP:
            # Not capped: no window, no notice, the same rows and order as the plain query.
            assert table.window == 0 and b"search-window-notice" not in response.content
            assert [row.pk for row in pages[0]] == expected(user, term, order, 0, 10)
            continue
        # Every page is within the window: its rows match, are the user's, sorted across
        # pages, none twice, and together exactly CAP of the matches.
        assert set(shown) <= matching, sort
        assert len(shown) == len(set(shown)) == CAP, sort
        keys = [sort_value(row, order) for row in rows]
        descending = order[0].startswith("-")
        assert keys == sorted(keys, reverse=descending), sort
        # The page asked past the window shows the window's last page and says so.
        assert table.window == CAP and table.asked_past_last_page == len(pages)
        assert [row.pk for row in pages[-1]] == [row.pk for row in pages[-2]]
        html = response.content.decode()
        assert 'id="search-window-notice"' in html
        assert f"More than {CAP} participants match this search" in html
        assert f"Page {len(pages)} is past the {CAP} participants listed" in html
        assert f"of more than {CAP}" in html


def test_the_window_notice_is_in_indonesian_by_default(client, world, capped):
    client.force_login(world["admin"])
    client.cookies["django_language"] = "id"
    response = client.get(reverse("participants:list"), {"q": "lestari"})
    html = response.content.decode()
    assert f"Lebih dari {CAP} peserta cocok dengan pencarian ini" in html
    assert "More than" not in html


@pytest.mark.parametrize("who", ["a", "b"])
def test_a_coordinators_window_holds_only_their_own_rows(client, world, capped, who):
    client.force_login(world[who])
    mine = set(Participant.objects.filter(coordinator=world[who]).values_list("pk", flat=True))
    for term in ("lestari", "tari", "rahayu"):
        pages, _ = window_pages(client, term, "name")
        assert {row.pk for page in pages for row in page} <= mine


def test_the_window_is_read_by_the_matches_not_the_sort_index_on_postgresql(client, world, capped):
    client.force_login(world["admin"])
    got, sqls = page_of(client, {"q": "lestari"})
    windowed = [sql for sql in sqls if "AS MATERIALIZED" in sql and "ORDER BY" in sql]
    if connection.vendor == "postgresql":
        assert len(windowed) == 1 and f"LIMIT {CAP})" in windowed[0]
    else:
        assert windowed == []
    assert len(got) == CAP  # the whole window on one page of 25


@pytest.mark.parametrize("term", ["a", "93"])
def test_short_terms_over_the_cap_keep_the_exact_walk(client, world, capped, term):
    # One- and two-character terms have no trigram to find them by; the walk along the sort
    # index is exact (they are dense or match nothing), so no window and no notice.
    client.force_login(world["admin"])
    response = client.get(reverse("participants:list"), {"q": term, "per_page": 10})
    table = response.context["table"]
    assert table.window == 0 and b"search-window-notice" not in response.content
    assert [row.pk for row in table.page.object_list] == expected(world["admin"], term, ("full_name", "id"), 0, 10)


def test_no_window_without_a_search(client, world, capped):
    client.force_login(world["admin"])
    response = client.get(reverse("participants:list"), {"per_page": 10})
    assert response.context["table"].window == 0
    assert b"search-window-notice" not in response.content


def test_the_export_of_a_capped_search_holds_every_match(client, world, capped):
    # Exports read the search through participants_search, never the list's window.
    client.force_login(world["admin"])
    response = client.get(reverse("reports:export", args=["participants", "csv"]), {"q": "lestari"})
    assert response.status_code == 200
    header, *rows = csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    want = Participant.objects.filter(name_key__contains="lestari")
    assert len(rows) == want.count() == 30 > CAP
    assert {row[header.index("NIK")] for row in rows} == set(want.values_list("nik", flat=True))
