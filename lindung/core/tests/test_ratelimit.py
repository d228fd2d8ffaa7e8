"""The shared sliding-window counter: a burst cannot double its allowance by straddling
the turn of a window, and old tries fade out as their window slides past."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from lindung.core import ratelimit

START = 1_800_000_000.0  # a multiple of 60: a window starts here


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    cache.clear()
    at = [START]
    monkeypatch.setattr(ratelimit, "now", lambda: at[0])
    return at


def test_a_burst_across_the_turn_of_the_minute_is_still_one_burst(clock: list[float]) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1")
    clock[0] = START + 59.5
    assert all(ratelimit.allowed(request, "probe", (30, 60)) for _ in range(20))
    clock[0] = START + 60.5  # the next clock minute: a fixed window would start again at 0
    assert all(ratelimit.allowed(request, "probe", (30, 60)) for _ in range(10))
    assert not ratelimit.allowed(request, "probe", (30, 60))
    # Another address has its own count.
    assert ratelimit.allowed(RequestFactory().get("/", REMOTE_ADDR="10.1.1.2"), "probe", (30, 60))


def test_old_tries_fade_as_the_window_slides(clock: list[float]) -> None:
    for _ in range(30):
        ratelimit.hit("fade", 60)
    assert ratelimit.count("fade", 60) == 30
    clock[0] = START + 60 + 30  # half of the previous minute is still inside the last 60 s
    assert ratelimit.count("fade", 60) == 15
    assert ratelimit.hit("fade", 60) == 16
    clock[0] = START + 180  # two minutes on: nothing left
    assert ratelimit.count("fade", 60) == 0


def test_count_does_not_add_a_try(clock: list[float]) -> None:
    ratelimit.hit("peek", 60)
    assert ratelimit.count("peek", 60) == ratelimit.count("peek", 60) == 1
