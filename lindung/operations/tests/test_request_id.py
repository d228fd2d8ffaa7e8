"""Request ids: kept from X-Request-ID when valid, made otherwise, returned, logged, and
carried into Celery tasks through the message headers."""

import json
import re
from types import SimpleNamespace

import pytest

from lindung.core import task_context
from lindung.core.logs import request_id_var

pytestmark = pytest.mark.django_db


def test_a_valid_request_id_is_kept_and_returned(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-2f1c9a7e-0001")
    assert response["X-Request-ID"] == "lb-2f1c9a7e-0001"


@pytest.mark.parametrize("sent", [None, "", "short", "has spaces in it", "x" * 65, "bad\u00e9id-12345", "<script>1234"])
def test_an_invalid_or_missing_request_id_is_replaced(client, sent):
    headers = {} if sent is None else {"HTTP_X_REQUEST_ID": sent}
    response = client.get("/healthz", **headers)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert response["X-Request-ID"] != sent


def test_each_request_is_logged_once_with_its_id(client, log_lines, coord_a):
    client.force_login(coord_a)
    client.get("/participants/", HTTP_X_REQUEST_ID="req-abcdef-42")
    lines = [json.loads(line) for line in log_lines()]
    mine = [e for e in lines if e.get("request_id") == "req-abcdef-42" and e["logger"] == "lindung.request"]
    assert len(mine) == 1
    assert mine[0]["status"] == 200 and mine[0]["path"] == "/participants/" and mine[0]["user_id"] == coord_a.pk
    # Where the time went: the view, the thread's CPU, the database (the list reads it).
    assert mine[0]["view"] == "participants:list"
    assert mine[0]["queries"] >= 1 and 0 < mine[0]["db_ms"] <= mine[0]["duration_ms"]
    assert mine[0]["cpu_ms"] > 0
    assert request_id_var.get() == ""  # reset once the request is over


def test_the_request_id_travels_to_the_task_that_the_request_queued():
    headers: dict[str, str] = {}
    token = request_id_var.set("req-from-web-1")
    try:
        task_context.add_request_id(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers == {task_context.HEADER: "req-from-web-1"}

    # In the worker, message protocol 2 puts custom headers on task.request.
    task = SimpleNamespace(request=SimpleNamespace(**headers))
    task_context.enter_task(task_id="t-1", task=task)
    assert request_id_var.get() == "req-from-web-1"
    task_context.leave_task(task_id="t-1")
    assert request_id_var.get() == ""


def test_a_task_queued_outside_a_request_gets_an_id_of_its_own():
    headers: dict[str, str] = {}
    task_context.add_request_id(headers=headers)
    assert re.fullmatch(r"[0-9a-f]{32}", headers[task_context.HEADER])
    task_context.enter_task(task_id="t-2", task=SimpleNamespace(request=SimpleNamespace()))
    assert re.fullmatch(r"[0-9a-f]{32}", request_id_var.get())
    task_context.leave_task(task_id="t-2")


def test_celery_app_connects_the_signals():
    from celery.signals import before_task_publish, task_prerun

    import config.celery  # noqa: F401 - connecting is what importing the app does

    assert any(r[0][0] == "lindung-request-id-publish" for r in before_task_publish.receivers)
    assert any(r[0][0] == "lindung-request-id-prerun" for r in task_prerun.receivers)


def test_a_job_run_in_a_thread_logs_with_the_request_id(settings, monkeypatch):
    import threading

    from lindung.jobs import services

    seen: list[str] = []
    done = threading.Event()

    def fake_run(job_id):
        seen.append(request_id_var.get())
        done.set()

    monkeypatch.setattr(services, "job_run", fake_run)
    settings.LINDUNG_JOBS_MODE = "thread"
    token = request_id_var.set("req-thread-0001")
    try:
        services._dispatch(1)
    finally:
        request_id_var.reset(token)
    assert done.wait(5)
    assert seen == ["req-thread-0001"]
