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
import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindung.core.tests.factories import AdminFactory, CoordinatorFactory, bengkalis_village, mandau_village
from lindung.participants import selectors
from lindung.participants.models import Participant
from lindung.participants.names import normalize_name
from lindung.participants.tests.factories import ParticipantFactory, make_nik

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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="matches first is PostgreSQL's plan")
def test_matches_sorted_by_another_tables_column_stop_at_the_page_inside_the_fence(client, world):
    # No index walks a village's name, so the CTE may stop at the page (top-N sort); an
    # order an index serves keeps the limit outside, or the planner would walk it.
    client.force_login(world["admin"])
    got, sqls = page_of(client, {"q": "aminah", "sort": "-village", "per_page": 10, "page": 2})
    (page,) = [sql for sql in sqls if "AS MATERIALIZED" in sql and "ORDER BY" in sql]
    assert re.search(r"ORDER BY .+ LIMIT 20\) SELECT \* FROM matches OFFSET 10$", page), page
    assert got == expected(world["admin"], "aminah", SORTS["-village"], 10, 10) and len(got) == 2
    _, sqls = page_of(client, {"q": "aminah", "sort": "name", "per_page": 10, "page": 2})
    (page,) = [sql for sql in sqls if "AS MATERIALIZED" in sql and "ORDER BY" in sql]
    assert page.endswith(") SELECT * FROM matches LIMIT 10 OFFSET 10"), page


def test_many_matches_walk_the_name_index(client, world, monkeypatch):
    # More matches than the threshold keep the ordered walk with a LIMIT.
    monkeypatch.setattr(selectors, "MATCHES_FIRST_BELOW", 5)
    client.force_login(world["admin"])
    got, sqls = page_of(client, {"q": "siti"})  # 6 matches: more than 5
    assert not any("AS MATERIALIZED" in sql and "ORDER BY" in sql for sql in sqls)
    assert got == expected(world["admin"], "siti", ("full_name", "id"), 0, 25)
    _, sqls = page_of(client, {"q": "qorinta"})  # 1 match: at most 5
    assert any("AS MATERIALIZED" in sql and "ORDER BY" in sql for sql in sqls) == (connection.vendor == "postgresql")


@pytest.mark.parametrize("term", ["a", "si", "93", "1403010903880001", "081234567890"])
def test_short_terms_and_numbers_keep_the_plain_plan(client, world, term):
    # Under three characters the trigram index cannot find a term; a whole NIK, a phone
    # number and a 1-3 digit code use the NIK and phone indexes.
    client.force_login(world["admin"])
    _, sqls = page_of(client, {"q": term})
    assert not any("AS MATERIALIZED" in sql for sql in sqls)


@pytest.mark.parametrize("term", ["1403", "14030109"])
def test_a_nik_prefix_of_four_digits_or_more_is_paged_from_its_holders_on_postgresql(client, world, term):
    client.force_login(world["admin"])
    got, sqls = page_of(client, {"q": term})
    fenced = [sql for sql in sqls if "AS MATERIALIZED" in sql]
    assert len(fenced) == (1 if connection.vendor == "postgresql" else 0)
    assert all("ORDER BY" in sql for sql in fenced)
    want = Participant.objects.filter(nik__startswith=term).order_by("full_name", "id")
    assert got == list(want.values_list("pk", flat=True)[:25]) and got


def test_searches_by_trigram():
    assert selectors.searches_by_trigram("Siti")
    assert selectors.searches_by_trigram("  s-i-t  ")
    assert not selectors.searches_by_trigram("si")
    assert not selectors.searches_by_trigram("93")
    assert not selectors.searches_by_trigram("9303")
    assert not selectors.searches_by_trigram("930")  # a NIK's first digits, not a name


@pytest.mark.parametrize("term", ["1", "14", "140"])
def test_a_few_digits_find_the_niks_that_begin_with_them(client, world, term):
    # A province or regency code typed as a search: no name holds digits, so these are NIK
    # prefixes (they used to be read as a name and matched nobody).
    for who in ("admin", "b"):
        user = world[who]
        client.force_login(user)
        got, _ = page_of(client, {"q": term})
        visible = selectors.participants_visible_to(user)
        want = list(visible.filter(nik__startswith=term).order_by("full_name", "id").values_list("pk", flat=True)[:25])
        assert want and got == want
        assert all(p.coordinator == user for p in Participant.objects.filter(pk__in=got)) or who == "admin"
    client.force_login(world["b"])
    got, _ = page_of(client, {"q": "99"})
    assert got == []


def test_no_search_never_reads_matches_first(client, world):
    client.force_login(world["a"])
    _, sqls = page_of(client, {})
    assert not any("AS MATERIALIZED" in sql for sql in sqls)


# The count's cap, lowered so a few rows exceed it (a page has at least 10 rows). Matches
# of "lestari" (admin / coordinator a / coordinator b): 36 / 24 / 12, of which names that
# begin with it 30 / 20 / 10; "rahayu" 12 / 9 / 3; "siti" 6 / 3 / 3.
CAP = 11


@pytest.fixture
def capped(world, monkeypatch):
    for i in range(36):
        given, other = ["Dewi", "Agus", "Rina", "Wayan"][i % 4], ["Ayu", "Budi"][i % 2]
        ParticipantFactory(
            coordinator=world["a"] if i % 3 else world["b"],
            # Most begin with "Lestari" (as a given name does at 10M); some have it last.
            full_name=f"Lestari {given} {other}" if i < 30 else f"Sri {given} Lestari",
            # Repeated names, told apart by date of birth, then id.
            birth_date=datetime.date(1980 + i % 3, 1, 1),
            registration_date=datetime.date(2026, 2, 1) + datetime.timedelta(days=i % 5),
            village=mandau_village() if i % 2 else bengkalis_village(),
        )
    monkeypatch.setattr(selectors, "COUNT_CAP", CAP)
    monkeypatch.setattr(selectors, "MATCHES_FIRST_BELOW", CAP)


def window_pages(client, term, sort, per_page=10):
    """Every page of the window in turn, and one past it: (rows of each page, the last response)."""
    pages = []
    for number in range(1, math.ceil(CAP / per_page) + 2):
        response = client.get(
            reverse("participants:list"), {"q": term, "sort": sort, "per_page": per_page, "page": number}
        )
        assert response.status_code == 200
        pages.append([row.pk for row in response.context["table"].page.object_list])
    return pages, response


def name_window(user, term, descending):
    """What the window holds: the first CAP of the names that begin with the term, by
    folded name, date of birth and id (descending for a descending sort)."""
    order = ("-name_key", "-birth_date", "-id") if descending else ("name_key", "birth_date", "id")
    rows = selectors.participants_visible_to(user).filter(name_key__startswith=term).order_by(*order)
    return list(rows.values_list("pk", flat=True)[:CAP])


@pytest.mark.parametrize("who", ["admin", "a", "b"])
@pytest.mark.parametrize("term", ["lestari", "rahayu", "siti"])
def test_more_matches_than_the_cap_sorted_by_name_are_paged_within_a_window_that_says_so(
    client, world, capped, who, term
):
    user = world[who]
    client.force_login(user)
    visible = selectors.participants_visible_to(user)
    matching = visible.filter(name_key__contains=term)
    beginning = matching.filter(name_key__startswith=term)
    for asked in SORTS:
        pages, response = window_pages(client, term, asked)
        table = response.context["table"]
        html = response.content.decode()
        # More matches than the cap are sorted by name only: another sort falls back to
        # the name order, and the page says so.
        refused = asked.lstrip("-") != "name" and matching.count() > CAP
        assert (table.sort_refused is not None) == refused, asked
        assert ('id="search-sort-notice"' in html) == refused, asked
        sort = "name" if refused else asked
        order = SORTS[sort]
        assert table.sort == sort
        if sort.lstrip("-") == "name" and beginning.count() > CAP:
            # Sorted by name: the window of names beginning with the term, in name order
            # across the pages, each row once; the page asked past it says so.
            window = name_window(user, term, descending=sort.startswith("-"))
            assert [pk for page in pages[:-1] for pk in page] == window, sort
            assert set(window) <= set(matching.values_list("pk", flat=True))
            assert table.window == CAP and table.asked_past_last_page == len(pages)
            assert pages[-1] == pages[-2]
            assert 'id="search-window-notice"' in html
            assert f"More than {CAP} participants match this search" in html
            assert f"Page {len(pages)} is past the {CAP} participants listed" in html
            assert f"of more than {CAP}" in html
            continue
        # Otherwise the pages are the plain query's: exact rows and order, no notice (the
        # pager still says "more than" when the count is capped).
        assert table.window == 0 and "search-window-notice" not in html
        assert pages[0] == expected(user, term, order, 0, 10), sort
        assert (f"of more than {CAP}" in html) == (matching.count() > CAP)


@pytest.mark.parametrize("who", ["admin", "a", "b"])
@pytest.mark.parametrize("sort", ["village", "-village", "group", "registered", "-status"])
def test_more_matches_than_the_cap_are_sorted_by_name_only_and_the_page_says_so(client, world, capped, who, sort):
    # "rahayu": 12 / 9 / 3 matches (admin / a / b), fewer than CAP begin with it: over
    # the cap the rows are the plain name-sorted query's; within it, the asked sort's.
    user = world[who]
    client.force_login(user)
    response = client.get(reverse("participants:list"), {"q": "rahayu", "sort": sort, "per_page": 10})
    table = response.context["table"]
    html = response.content.decode()
    matching = selectors.participants_visible_to(user).filter(name_key__contains="rahayu")
    got = [row.pk for row in table.page.object_list]
    assert set(got) <= set(matching.values_list("pk", flat=True))
    if matching.count() > CAP:
        assert table.sort == "name" and table.sort_refused is not None
        assert table.sort_refused.key == sort.lstrip("-")
        assert got == expected(user, "rahayu", ("full_name", "id"), 0, 10)
        assert f"More than {CAP} participants match this search, too many to sort by" in html
    else:
        field = {"village": "village__name", "group": "community_group__name"}.get(sort.lstrip("-"), "")
        field = field or {"registered": "registration_date", "status": "status"}[sort.lstrip("-")]
        desc = "-" if sort.startswith("-") else ""
        assert table.sort == sort and table.sort_refused is None
        assert got == expected(user, "rahayu", (desc + field, desc + "id"), 0, 10)
        assert "search-sort-notice" not in html


@pytest.mark.parametrize("who", ["admin", "a", "b"])
@pytest.mark.parametrize("term", ["14", "1403"])
def test_a_nik_prefix_over_the_cap_is_sorted_by_name_only(client, world, capped, monkeypatch, who, term):
    # Every NIK here begins with 140301 (a province's code at 10M holds ~300,000): over
    # the cap the rows are the plain name-sorted query's, only the user's own, and the
    # page says why it did not sort by village.
    monkeypatch.setattr(selectors, "NIK_EXACT_BELOW", CAP)
    user = world[who]
    client.force_login(user)
    response = client.get(reverse("participants:list"), {"q": term, "sort": "-village", "per_page": 10})
    table = response.context["table"]
    mine = selectors.participants_visible_to(user).filter(nik__startswith=term)
    assert mine.count() > CAP
    assert table.sort == "name" and table.sort_refused is not None and table.sort_refused.key == "village"
    assert [row.pk for row in table.page.object_list] == list(
        mine.order_by("full_name", "id").values_list("pk", flat=True)[:10]
    )
    assert "more of the name or of the NIK" in response.content.decode()


def test_a_coordinator_filter_over_the_cap_sorts_only_their_rows_by_name(client, world, capped):
    # Coordinator b searching "lestari" (12 matches, over the cap) sorted by village sees
    # their own rows by name, never coordinator a's.
    client.force_login(world["b"])
    response = client.get(reverse("participants:list"), {"q": "lestari", "sort": "village", "per_page": 50})
    table = response.context["table"]
    mine = set(Participant.objects.filter(coordinator=world["b"]).values_list("pk", flat=True))
    assert table.sort_refused is not None and table.sort == "name"
    assert {row.pk for row in table.page.object_list} <= mine


def test_the_sort_notice_is_in_indonesian_by_default(client, world, capped):
    client.force_login(world["admin"])
    client.cookies["django_language"] = "id"
    response = client.get(reverse("participants:list"), {"q": "lestari", "sort": "village"})
    html = response.content.decode()
    assert f"Lebih dari {CAP} peserta cocok dengan pencarian ini, terlalu banyak untuk" in html
    assert "diurutkan menurut Desa/kelurahan: peserta diurutkan menurut nama" in html
    assert "too many to sort" not in html


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
    for term in ("lestari", "lest", "rahayu"):
        for sort in ("name", "-name"):
            pages, _ = window_pages(client, term, sort)
            assert {pk for page in pages for pk in page} <= mine


def test_a_filter_narrows_the_window(client, world, capped):
    # The window starts from the filtered list: coordinator b's 10 names beginning with
    # "lestari" are within the cap, so an admin filtering on b sees the exact rows (12
    # matches: the pages reach the first CAP of them, as for any capped count).
    client.force_login(world["admin"])
    response = client.get(reverse("participants:list"), {"q": "lestari", "coordinator": world["b"].pk})
    table = response.context["table"]
    assert table.window == 0
    want = Participant.objects.filter(coordinator=world["b"], name_key__contains="lestari").order_by("full_name", "id")
    assert [row.pk for row in table.page.object_list] == list(want.values_list("pk", flat=True))[:CAP]


def test_a_windowed_page_reads_no_trigram_match_list(client, world, capped):
    # The count and the page come from the name b-tree: no fenced (MATERIALIZED) read of
    # every match, and the rows are loaded by their ids.
    client.force_login(world["admin"])
    got, sqls = page_of(client, {"q": "lestari", "per_page": 10})
    assert not any("AS MATERIALIZED" in sql for sql in sqls)
    assert got == name_window(world["admin"], "lestari", descending=False)[:10]


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
    assert len(rows) == want.count() == 36 > CAP
    assert {row[header.index("NIK")] for row in rows} == set(want.values_list("nik", flat=True))


# A name search within one coordinator's rows (their own scope, or an administrator's
# coordinator filter) tests the fragment with STRPOS on PostgreSQL (INSTR on SQLite), which
# the trigram index cannot serve: the planner reads that coordinator's range of the
# covering (coordinator, name_key) index instead. Same rows, same order, only theirs.


def test_pins_one_coordinator():
    a, b, admin = CoordinatorFactory(), CoordinatorFactory(), AdminFactory()
    assert selectors.pins_one_coordinator(selectors.participants_visible_to(a))
    assert not selectors.pins_one_coordinator(selectors.participants_visible_to(admin))
    everyone = selectors.participants_visible_to(admin)
    assert selectors.pins_one_coordinator(selectors.participants_filter(everyone, {"coordinator": b}))
    assert selectors.pins_one_coordinator(everyone.filter(status="active", coordinator=b))
    assert not selectors.pins_one_coordinator(everyone.filter(Q(coordinator=a) | Q(coordinator=b)))
    assert not selectors.pins_one_coordinator(everyone.exclude(coordinator=a))
    assert not selectors.pins_one_coordinator(everyone.filter(coordinator__isnull=True))


def _strpos(sqls):
    return any("STRPOS(" in sql.upper() or "INSTR(" in sql.upper() for sql in sqls)


def test_a_coordinators_name_search_reads_their_own_index_range(client, world):
    client.force_login(world["a"])
    got, sqls = page_of(client, {"q": "siti"})
    # Neither the search nor a count of the names that begin with it uses a LIKE that a
    # registry-wide index serves: PostgreSQL took the pattern index for 'rizki%' at
    # 10,000,000 (estimated ~1,000 holders, 92,634 in fact) and read every holder's row.
    assert _strpos(sqls) and not any("siti%" in sql for sql in sqls)
    assert got == expected(world["a"], "siti", ("full_name", "id"), 0, 25) and got
    client.force_login(world["admin"])
    _, sqls = page_of(client, {"q": "siti"})
    assert not _strpos(sqls)  # across coordinators: the trigram index
    assert any("LIKE 'siti%'" in sql for sql in sqls)  # and the pattern index counts the names it begins
    _, sqls = page_of(client, {"q": "siti", "coordinator": world["b"].pk})
    assert _strpos(sqls) and not any("siti%" in sql for sql in sqls)


@pytest.mark.parametrize("pinned", [True, False])
def test_the_names_that_begin_with_a_term_are_the_same_rows_either_way(world, pinned):
    everyone = selectors.participants_visible_to(world["admin"])
    scope = everyone.filter(coordinator=world["a"]) if pinned else everyone
    prefix = selectors.participants_name_prefix(scope, "Siti")
    assert prefix is not None
    rows = set(prefix.rows().values_list("pk", flat=True))
    assert rows and rows == set(scope.filter(name_key__startswith="siti").values_list("pk", flat=True))
    assert (selectors.participants_search_subset(scope, "Siti") is None) is pinned


@pytest.mark.parametrize("term", ["siti", "yanti", "qorinta", "zzzz", "aminah"])
@pytest.mark.parametrize("pinned", ["a", "b"])
def test_an_administrators_coordinator_filter_lists_the_plain_querys_rows_and_no_one_elses(client, world, term, pinned):
    client.force_login(world["admin"])
    coordinator = world[pinned]
    theirs = Participant.objects.filter(coordinator=coordinator)
    more = {"status": ("status", "id"), "-group": ("-community_group__name", "-id"), "nik": ("nik", "id")}
    for sort, order in {**SORTS, **more}.items():
        for page in (1, 2):
            got, _ = page_of(
                client, {"q": term, "coordinator": coordinator.pk, "sort": sort, "per_page": 10, "page": page}
            )
            want = theirs.filter(name_key__contains=term).order_by(*order).values_list("pk", flat=True)
            want = list(want[(page - 1) * 10 : page * 10])
            if want:
                assert got == want, (sort, page)
            assert set(got) <= set(theirs.values_list("pk", flat=True))


# A NIK prefix of 4 to 15 digits, or a KPJ: the KPJ's holder (at most one) is looked up
# first, so the search is usually the NIK prefix alone (the covering NIK index).


@pytest.fixture
def kpj_holders(world):
    elsewhere = ParticipantFactory(
        coordinator=world["b"],
        full_name="Kartu Jakarta",
        nik=make_nik(datetime.date(1990, 1, 1), "M", 7, region="317101"),
        membership_number="140301",
    )
    # A KPJ equal to a NIK prefix it also begins with: listed once.
    ParticipantFactory(coordinator=world["a"], full_name="Kartu Riau", membership_number="1403")
    return elsewhere


@pytest.mark.parametrize("who", ["admin", "a", "b"])
@pytest.mark.parametrize("term", ["1403", "140301", "1403010903", "14030109038800", "3171"])
def test_a_nik_prefix_or_kpj_lists_the_plain_querys_rows_in_every_sort(client, world, kpj_holders, who, term):
    user = world[who]
    client.force_login(user)
    visible = selectors.participants_visible_to(user)
    matching = visible.filter(Q(nik__startswith=term) | Q(membership_number=term))
    sorts = {**SORTS, "nik": ("nik", "id"), "-status": ("-status", "-id"), "group": ("community_group__name", "id")}
    for sort, order in sorts.items():
        for page in (1, 3):
            got, _ = page_of(client, {"q": term, "sort": sort, "per_page": 10, "page": page})
            want = list(matching.order_by(*order).values_list("pk", flat=True)[(page - 1) * 10 : page * 10])
            if want:
                assert got == want, (sort, page)
    response = client.get(reverse("participants:list"), {"q": term, "per_page": 100})
    listed = [row.pk for row in response.context["table"].page.object_list]
    assert len(listed) == len(set(listed)) == matching.count()
    # The holder of KPJ 140301 (NIK 3171...) is coordinator b's: never in coordinator a's list.
    assert (kpj_holders.pk in listed) == (term in ("140301", "3171") and who != "a")


def test_a_nik_prefix_with_more_holders_than_its_cap_is_counted_from_the_nik_index(
    client, world, kpj_holders, monkeypatch
):
    monkeypatch.setattr(selectors, "NIK_EXACT_BELOW", CAP)
    client.force_login(world["admin"])
    response = client.get(reverse("participants:list"), {"q": "140301", "per_page": 10})
    count = response.context["table"].row_count
    assert (count.value, count.exact, count.at_least) == (CAP, False, True)
    assert f"of more than {CAP}" in response.content.decode()
    # Fewer than the cap begin with it: the exact count, the KPJ holder included.
    response = client.get(reverse("participants:list"), {"q": "3171", "per_page": 10})
    assert response.context["table"].row_count.value == 1
    client.force_login(world["b"])
    response = client.get(reverse("participants:list"), {"q": "140301", "per_page": 10, "sort": "-nik"})
    assert response.context["table"].page.object_list[0].pk == kpj_holders.pk


def test_a_search_over_the_cap_is_paged_through_its_first_rows_only(client, world, capped, monkeypatch):
    # "rahayu": 12 matches for the admin, more than CAP, fewer than CAP begin with it (no
    # window). The first 10 can be paged through; page 2 shows page 1 again and says why.
    client.force_login(world["admin"])
    url = reverse("participants:list")
    whole = client.get(url, {"q": "rahayu", "per_page": 10, "page": 2}).context["table"]
    assert whole.depth == 0 and whole.page.number == 2 and len(whole.page.object_list) == 1  # CAP: 11 rows
    monkeypatch.setattr(selectors, "PAGED_OVER_CAP", 10)
    response = client.get(url, {"q": "rahayu", "per_page": 10, "page": 2})
    table = response.context["table"]
    html = response.content.decode()
    assert table.depth == 10 and table.page.number == 1 and table.asked_past_last_page == 2
    assert [row.pk for row in table.page.object_list] == expected(world["admin"], "rahayu", ("full_name", "id"), 0, 10)
    assert 'id="search-depth-notice"' in html and "Only the first 10 of them can be paged through" in html
    assert "Page 2 is past the first 10 participants" in html
    assert f"of more than {CAP}" in html and 'rel="next"' not in html
    # A name with a window: the window's notice names the shallower of the two.
    lestari = client.get(url, {"q": "lestari", "per_page": 10}).context["table"]
    assert lestari.window == 10 and lestari.depth == 0
    # A coordinator's search within the cap is paged as before.
    client.force_login(world["b"])
    assert client.get(url, {"q": "rahayu", "per_page": 10}).context["table"].depth == 0


@pytest.mark.parametrize("who", ["admin", "b"])
@pytest.mark.parametrize("term", ["1403", "lestari", "rahayu"])
def test_the_page_rows_are_loaded_by_id_without_the_search_condition(client, world, capped, who, term):
    # Repeated beside the ids, a NIK prefix's LIKE made PostgreSQL scan every holder of
    # the prefix to find the page's 25 (estimated 1 of 33,000 at 10,000,000): 170 ms.
    client.force_login(world[who])
    got, sqls = page_of(client, {"q": term, "per_page": 10})
    by_id = '"participants_participant"."id" IN'
    loads = [sql for sql in sqls if 'INNER JOIN "regions_region"' in sql and by_id in sql]
    assert got and len(loads) == 1
    assert "LIKE" not in loads[0] and "name_key" not in loads[0].split("WHERE", 1)[1]
    if who == "b":  # the scope stays on the load
        assert '"coordinator_id" =' in loads[0].split("WHERE", 1)[1]
