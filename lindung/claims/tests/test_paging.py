"""The work queue paged by key (claims/paging.py): the same rows in the same order as
the plain ORDER BY, both ways, ties included; scoped like every read."""

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lindung.claims.claim import Claim, ClaimStatus
from lindung.claims.paging import BoundedPaginator, cursor_of, keyset_page, parse_cursor
from lindung.claims.selectors import claims_for

from .factories import jht_claim
from .test_views import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(coord_a: Any, coord_b: Any) -> list[Claim]:
    """Nine claims of A and two of B; A's share status times in threes (ties decided by id)."""
    start = timezone.now() - datetime.timedelta(days=30)
    claims = [jht_claim(coord_a) for _ in range(9)] + [jht_claim(coord_b) for _ in range(2)]
    for index, claim in enumerate(claims):
        moment = start + datetime.timedelta(days=index // 3, microseconds=7)
        Claim.objects.filter(pk=claim.pk).update(status_changed_at=moment)
    # Ids and times in different orders, so a cursor that mixed them up would show.
    Claim.objects.filter(pk=claims[0].pk).update(status_changed_at=start + datetime.timedelta(days=9))
    return claims


def walk_forward(queryset: Any, size: int) -> list[list[int]]:
    pages, after = [], None
    while True:
        page = keyset_page(queryset, after=after, size=size)
        pages.append([c.pk for c in page.rows])
        if page.next_cursor is None:
            return pages
        after = page.next_cursor


def test_pages_forward_and_back_are_the_plain_order(queue: list[Claim], admin: Any, coord_a: Any) -> None:
    for user in (admin, coord_a):
        claims = claims_for(user)
        plain = list(claims.order_by("status_changed_at", "id").values_list("pk", flat=True))
        for size in (1, 2, 3, 4, 50):
            pages = walk_forward(claims, size)
            assert [pk for page in pages for pk in page] == plain
            assert all(len(page) == size for page in pages[:-1])
            # "Previous" from each position: the page of rows just before it, or the
            # first page, full, when fewer than a page are left before it.
            for i, pk in enumerate(plain):
                page = keyset_page(claims, before=cursor_of(*_position(pk)), size=size)
                assert [c.pk for c in page.rows] == (plain[i - size : i] if i > size else plain[:size])
                assert (page.previous_cursor is None) == (i <= size)
            past_end = keyset_page(claims, after=cursor_of(*_position(plain[-1])), size=size)
            assert past_end.rows == [] and past_end.previous_cursor is not None


def test_previous_reaching_the_start_shows_the_whole_first_page(queue: list[Claim], admin: Any) -> None:
    claims = claims_for(admin)
    plain = list(claims.order_by("status_changed_at", "id").values_list("pk", flat=True))
    # Two rows in, "previous" has fewer than a page before it: the first page, full.
    page = keyset_page(claims, before=cursor_of(*_position(plain[2])), size=4)
    assert [c.pk for c in page.rows] == plain[:4]
    assert page.previous_cursor is None and page.next_cursor is not None


def test_a_malformed_cursor_shows_the_first_page(queue: list[Claim], admin: Any) -> None:
    claims = claims_for(admin)
    first = [c.pk for c in keyset_page(claims, size=3).rows]
    for raw in ("", "x", "12_", "_5", "99999999999999999999999_1", "1.5_2"):
        assert parse_cursor(raw) is None or raw == "99999999999999999999999_1"
        assert [c.pk for c in keyset_page(claims, after=raw, size=3).rows] == first


def test_cursor_round_trips_to_the_microsecond() -> None:
    moment = datetime.datetime(2026, 12, 6, 1, 2, 3, 456789, tzinfo=datetime.UTC)
    assert parse_cursor(cursor_of(moment, 42)) == (moment, 42)


def test_queue_pages_by_next_links_through_the_view(
    queue: list[Claim], coord_a: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lindung.claims import views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 4)
    client = client_for(coord_a)
    plain = list(claims_for(coord_a).order_by("status_changed_at", "id").values_list("pk", flat=True))
    seen: list[int] = []
    url: str | None = reverse("claims:queue")
    while url:
        body = client.get(url).content.decode()
        seen += [int(pk) for pk in re.findall(r'href="/claims/(\d+)/"', body)]
        found = re.search(r'href="(\?status=&amp;after=[0-9_]+)" rel="next"', body)
        url = reverse("claims:queue") + found.group(1).replace("&amp;", "&") if found else None
    assert seen == plain


def test_another_coordinators_cursor_shows_only_your_own_claims(queue: list[Claim], coord_a: Any, coord_b: Any) -> None:
    """A cursor names a position, not rows: B following A's link sees B's claims only."""
    a_claims = list(claims_for(coord_a).order_by("status_changed_at", "id"))
    cursor = cursor_of(a_claims[0].status_changed_at - datetime.timedelta(days=1), 0)
    body = client_for(coord_b).get(reverse("claims:queue"), {"after": cursor}).content.decode()
    shown = {int(pk) for pk in re.findall(r'href="/claims/(\d+)/"', body)}
    assert shown == {c.pk for c in queue[9:]}
    assert not shown & {c.pk for c in a_claims}


def test_status_filter_pages_within_the_status(queue: list[Claim], admin: Any) -> None:
    Claim.objects.filter(pk__in=[c.pk for c in queue[::2]]).update(status=ClaimStatus.SUBMITTED)
    claims = claims_for(admin).filter(status=ClaimStatus.SUBMITTED)
    plain = list(claims.order_by("status_changed_at", "id").values_list("pk", flat=True))
    assert [pk for page in walk_forward(claims, 2) for pk in page] == plain


def test_bounded_count_is_the_exact_count_below_the_bound(
    queue: list[Claim], admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lindung.claims import paging

    ordered = claims_for(admin).order_by("-status_changed_at", "id")
    assert BoundedPaginator(ordered, 5).count == 11
    monkeypatch.setattr(paging, "COUNT_LIMIT", 4)
    paginator = BoundedPaginator(ordered, 5)
    assert paginator.count == 5 and paginator.capped
    # The page itself keeps the order the count dropped.
    assert [c.pk for c in paginator.page(1)] == [c.pk for c in ordered[:5]]


def _position(pk: int) -> tuple[datetime.datetime, int]:
    return Claim.objects.get(pk=pk).status_changed_at, pk
