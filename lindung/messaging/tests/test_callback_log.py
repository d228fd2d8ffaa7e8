"""The summary line of accepted webhook callbacks (callback_log.py): one line per window
per worker, with the right counts and times, and none for an empty window."""

import logging

import pytest

from lindung.messaging.callback_log import SUMMARY_SECONDS, CallbackSummary


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def summaries(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "lindung.webhooks"]


def test_a_window_of_callbacks_is_one_line_with_their_count_and_times(caplog):
    clock = Clock()
    summary = CallbackSummary(clock=clock)
    with caplog.at_level(logging.INFO, logger="lindung.webhooks"):
        summary.add(duration_ms=2.0, cpu_ms=0.5, db_ms=1.0, queries=1)
        summary.add(duration_ms=6.0, cpu_ms=0.7, db_ms=3.0, queries=2)
        assert summaries(caplog) == []  # the window is still open
        clock.now += SUMMARY_SECONDS
        summary.add(duration_ms=4.0, cpu_ms=0.6, db_ms=2.0, queries=1)
    [line] = summaries(caplog)
    assert (line.requests, line.queries, line.status, line.view) == (3, 4, 200, "messaging:whatsapp_webhook")
    assert (line.duration_ms_mean, line.duration_ms_max, line.cpu_ms_mean, line.db_ms_mean) == (4.0, 6.0, 0.6, 2.0)
    assert line.window_s == SUMMARY_SECONDS
    assert line.getMessage() == f"WhatsApp status callbacks accepted: 3 in {SUMMARY_SECONDS:.1f} s"


def test_the_next_window_starts_from_nothing_and_an_empty_one_writes_nothing(caplog):
    clock = Clock()
    summary = CallbackSummary(clock=clock)
    with caplog.at_level(logging.INFO, logger="lindung.webhooks"):
        clock.now += SUMMARY_SECONDS
        summary.add(duration_ms=9.0, cpu_ms=1.0, db_ms=5.0, queries=1)
        clock.now += 3
        summary.add(duration_ms=1.0, cpu_ms=0.2, db_ms=0.5, queries=1)
        summary.flush()  # the worker exits
        summary.flush()  # nothing counted since
    first, second = summaries(caplog)
    assert (first.requests, first.duration_ms_max) == (1, 9.0)
    assert (second.requests, second.duration_ms_max, second.window_s, second.db_ms_mean) == (1, 1.0, 3.0, 0.5)
