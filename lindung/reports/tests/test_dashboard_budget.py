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


def test_national_figures_are_shown_as_of_their_time_while_one_refresh_runs(writes):
    # The national figures (110-170 ms): the view after a write does not wait for them.
    counts, compute = counting(0.15)
    assert dashboard_cache.snapshot({"who": "admin"}, compute).current
    writes[0] += 1
    shown = dashboard_cache.snapshot({"who": "admin"}, compute)
    assert not shown.current and shown.data == {"recounts": 1}
    assert len(counts) == 2  # the refresh ran (inline here; a thread in production)
    again = dashboard_cache.snapshot({"who": "admin"}, compute)
    assert again.current and again.data == {"recounts": 2}
