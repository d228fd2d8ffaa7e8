"""Which figures are recounted while the user waits after a write, and which are shown
as of their time while one refresh runs (dashboard_cache.SYNC_BUDGET_SECONDS)."""

import time

import pytest
from django.core.cache import cache

from lindung.reports import dashboard_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def writes(monkeypatch, settings):
    settings.LINDUNG_DASHBOARD_REFRESH = "inline"  # the refresh runs before the answer, so it can be seen
    cache.clear()
    mark = [1]
    monkeypatch.setattr(dashboard_cache, "watermark", lambda: list(mark))
    return mark


def counting(seconds: float) -> tuple[list[int], object]:
    counts: list[int] = []

    def compute() -> dict[str, int]:
        time.sleep(seconds)
        counts.append(1)
        return {"recounts": len(counts)}

    return counts, compute


def test_quick_figures_are_recounted_after_a_write(writes):
    # A coordinator's figures (20-35 ms at 1,000,000 participants).
    _counts, compute = counting(0.02)
    assert dashboard_cache.snapshot({"who": "coordinator"}, compute).data == {"recounts": 1}
    writes[0] += 1
    after = dashboard_cache.snapshot({"who": "coordinator"}, compute)
    assert after.current and after.data == {"recounts": 2}


def test_national_figures_are_shown_as_of_their_time_while_one_refresh_runs(writes, monkeypatch):
    # The national figures (110-170 ms): the view after a write does not wait for them.
    monkeypatch.setattr(dashboard_cache, "REFRESH_MIN_SECONDS", 0)
    counts, compute = counting(0.15)
    assert dashboard_cache.snapshot({"who": "admin"}, compute).current
    writes[0] += 1
    shown = dashboard_cache.snapshot({"who": "admin"}, compute)
    assert not shown.current and shown.data == {"recounts": 1}
    assert len(counts) == 2  # the refresh ran (inline here; a thread in production)
    again = dashboard_cache.snapshot({"who": "admin"}, compute)
    assert again.current and again.data == {"recounts": 2}


def test_national_figures_are_recounted_at_most_every_refresh_interval(writes, monkeypatch):
    # Writes arrive every second: each view after one must not start another recount.
    counts, compute = counting(0.15)
    clock = [1_000.0]
    monkeypatch.setattr(dashboard_cache.timezone, "now", lambda: _at(clock[0]))
    assert dashboard_cache.snapshot({"who": "admin"}, compute).current
    for _ in range(5):
        clock[0] += 5
        writes[0] += 1
        shown = dashboard_cache.snapshot({"who": "admin"}, compute)
        assert not shown.current and shown.data == {"recounts": 1}
    assert len(counts) == 1  # 25 s of writes, no recount yet
    clock[0] += dashboard_cache.REFRESH_MIN_SECONDS - 25
    writes[0] += 1
    dashboard_cache.snapshot({"who": "admin"}, compute)
    assert len(counts) == 2  # the interval passed: one recount (inline here)
    assert dashboard_cache.snapshot({"who": "admin"}, compute).data == {"recounts": 2}


def test_quick_figures_are_recounted_after_every_write_whatever_the_interval(writes, monkeypatch):
    clock = [1_000.0]
    monkeypatch.setattr(dashboard_cache.timezone, "now", lambda: _at(clock[0]))
    counts, compute = counting(0.0)
    dashboard_cache.snapshot({"who": "coordinator"}, compute)
    clock[0] += 1
    writes[0] += 1
    assert dashboard_cache.snapshot({"who": "coordinator"}, compute).current
    assert len(counts) == 2


def _at(seconds: float):
    import datetime

    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
