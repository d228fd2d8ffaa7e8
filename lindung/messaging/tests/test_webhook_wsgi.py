"""The lean WSGI path for status callbacks (webhook_wsgi.py): only the webhook's POSTs
are answered there; they keep the request id, one log line without secrets, the size
limit and the signature check; everything else reaches Django unchanged."""

import io
import json
import logging

import pytest

from lindung.messaging import fake_provider as fp
from lindung.messaging import webhook_wsgi
from lindung.messaging.models import WebhookEvent
from lindung.messaging.webhook_wsgi import with_webhook_path

from .helpers import use_app_secret, wsgi_call

pytestmark = pytest.mark.django_db
URL = "/messaging/webhooks/whatsapp/"
SECRET = "lean-s3cret"


@pytest.fixture
def secret(settings):
    return use_app_secret(settings, SECRET)


class Django:
    """Stands in for Django's handler: records what reached it."""

    def __init__(self) -> None:
        self.paths: list[tuple[str, str]] = []

    def __call__(self, environ, start_response):
        self.paths.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"django"]


def statuses(*ids: str) -> bytes:
    items = [
        {"id": mid, "status": "delivered", "timestamp": "1764979200", "recipient_id": "628120000001"} for mid in ids
    ]
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "waba", "changes": [{"field": "messages", "value": {"statuses": items}}]}],
    }
    return json.dumps(body).encode()


def signed(payload: bytes) -> dict[str, str]:
    return {"HTTP_X_HUB_SIGNATURE_256": fp.sign(payload, SECRET)}


def test_only_the_webhooks_posts_take_the_lean_path(secret):
    django = Django()
    app = with_webhook_path(django)
    payload = statuses("wamid.a")
    answer = wsgi_call(app, URL, payload, **signed(payload))
    assert (answer.status_code, answer.content) == (200, b"ok")
    assert wsgi_call(app, URL, method="GET").content == b"django"  # the handshake
    assert wsgi_call(app, "/messaging/webhooks/sms/", b"{}").content == b"django"
    assert wsgi_call(app, "/messaging/webhooks/whatsapp", payload, **signed(payload)).content == b"django"
    assert django.paths == [
        ("GET", URL),
        ("POST", "/messaging/webhooks/sms/"),
        ("POST", "/messaging/webhooks/whatsapp"),
    ]
    assert WebhookEvent.objects.count() == 1


def test_a_batched_post_stores_every_status_once(secret):
    app = with_webhook_path(Django())
    payload = statuses("wamid.a", "wamid.b", "wamid.c")
    assert wsgi_call(app, URL, payload, **signed(payload)).status_code == 200
    assert wsgi_call(app, URL, payload, **signed(payload)).status_code == 200  # Meta retries
    assert sorted(WebhookEvent.objects.values_list("provider_message_id", flat=True)) == [
        "wamid.a",
        "wamid.b",
        "wamid.c",
    ]


def test_an_unsigned_or_wrongly_signed_callback_is_refused_and_nothing_stored(secret):
    app = with_webhook_path(Django())
    payload = statuses("wamid.a")
    assert wsgi_call(app, URL, payload).status_code == 403
    wrong = {"HTTP_X_HUB_SIGNATURE_256": fp.sign(payload, "someone-else")}
    assert wsgi_call(app, URL, payload, **wrong).status_code == 403
    assert not WebhookEvent.objects.exists()


def test_an_oversized_body_is_refused_without_being_read(secret, settings):
    settings.LINDUNG_MESSAGING = {**settings.LINDUNG_MESSAGING, "WEBHOOK_MAX_BYTES": 100}

    class Unread(io.BytesIO):
        def read(self, *args):
            raise AssertionError("the body of an oversized request was read")

    app = with_webhook_path(Django())
    answer = wsgi_call(app, URL, b"", CONTENT_LENGTH="5000", **{"wsgi.input": Unread()})
    assert answer.status_code == 413
    assert wsgi_call(app, URL, b"", CONTENT_LENGTH="many").status_code == 413


def test_malformed_json_with_a_valid_signature_is_a_bad_request(secret):
    assert wsgi_call(with_webhook_path(Django()), URL, b"[1", **signed(b"[1")).status_code == 400


def test_the_request_id_is_kept_and_no_log_line_holds_the_body_or_signature(secret, caplog, monkeypatch):
    from lindung.messaging import callback_log

    summary = callback_log.CallbackSummary()
    monkeypatch.setattr(webhook_wsgi, "accepted", summary)
    app = with_webhook_path(Django())
    payload = statuses("wamid.secretive")
    with caplog.at_level(logging.INFO):
        answer = wsgi_call(app, URL, payload, HTTP_X_REQUEST_ID="req-lean-0001", **signed(payload))
        fresh = wsgi_call(app, URL, payload, HTTP_X_REQUEST_ID="bad id!", **signed(payload))
        refused = wsgi_call(app, URL, payload, HTTP_X_REQUEST_ID="req-lean-0003", HTTP_X_HUB_SIGNATURE_256="sha256=0")
        summary.flush()
    assert answer.headers["X-Request-ID"] == "req-lean-0001"
    assert fresh.headers["X-Request-ID"] != "bad id!" and len(fresh.headers["X-Request-ID"]) == 32
    assert refused.status_code == 403 and refused.headers["X-Request-ID"] == "req-lean-0003"
    # The two accepted callbacks are counted into the summary; the refused one has its own line.
    lines = [r for r in caplog.records if r.name == "lindung.request"]
    assert [(r.status, r.path, r.view) for r in lines] == [(403, URL, "messaging:whatsapp_webhook")]
    [line] = [r for r in caplog.records if r.name == "lindung.webhooks"]
    assert line.requests == 2 and line.queries >= 2
    text = caplog.text
    assert "wamid.secretive" not in text and fp.sign(payload, SECRET) not in text and SECRET not in text


def test_a_slow_accepted_callback_gets_its_own_line(secret, caplog, monkeypatch):
    monkeypatch.setattr(webhook_wsgi, "SLOW_MS", 0.0)
    payload = statuses("wamid.slow")
    with caplog.at_level(logging.INFO, logger="lindung.request"):
        assert wsgi_call(with_webhook_path(Django()), URL, payload, **signed(payload)).status_code == 200
    [line] = [r for r in caplog.records if r.name == "lindung.request"]
    assert line.status == 200 and line.queries >= 1


def test_the_production_wsgi_application_puts_the_lean_path_in_front_of_django(secret):
    from config import wsgi

    payload = statuses("wamid.wired")
    assert wsgi_call(wsgi.application, URL, payload, **signed(payload)).content == b"ok"
    assert WebhookEvent.objects.filter(provider_message_id="wamid.wired").exists()
    assert wsgi.django_application is not wsgi.application


def test_a_callback_costs_no_health_check_round_trip(secret, monkeypatch):
    # Django pings a kept connection (SELECT 1) before a request's first query; the
    # lean path's one INSERT finds a broken connection by itself (next test).
    from django.db import connection

    app = with_webhook_path(Django())
    pings = []
    connection.ensure_connection()
    assert connection.health_check_enabled  # base settings: CONN_HEALTH_CHECKS
    monkeypatch.setattr(connection, "is_usable", lambda: pings.append(1) or True)
    for mid in ("wamid.p1", "wamid.p2"):
        payload = statuses(mid)
        connection.health_check_done = False  # as request_started leaves a kept connection
        assert wsgi_call(app, URL, payload, **signed(payload)).status_code == 200
    assert pings == [] and WebhookEvent.objects.count() == 2


def test_a_broken_kept_connection_is_replaced_and_the_callback_stored_once(secret, monkeypatch):
    from django.db import OperationalError, connection

    from lindung.messaging import webhook_wsgi

    real_post, calls, closed = webhook_wsgi.webhook_post, [], []

    def post_once_broken(length, read, signature):
        calls.append(1)
        if len(calls) == 1:
            read(int(length))  # the body is read from the socket before the database fails
            raise OperationalError("server closed the connection unexpectedly")
        return real_post(length, read, signature)

    monkeypatch.setattr(webhook_wsgi, "webhook_post", post_once_broken)
    monkeypatch.setattr(connection, "close", lambda: closed.append(1))  # the test's own transaction stays
    app = with_webhook_path(Django())
    payload = statuses("wamid.r1", "wamid.r2")
    assert wsgi_call(app, URL, payload, **signed(payload)).status_code == 200
    assert len(calls) == 2 and closed == [1]
    assert sorted(WebhookEvent.objects.values_list("provider_message_id", flat=True)) == ["wamid.r1", "wamid.r2"]


@pytest.mark.postgres_only
def test_the_insert_is_prepared_once_per_connection_and_still_counted(secret, monkeypatch):
    from django.db import connection

    from lindung.messaging import callback_log

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's; SQLite takes Django's own cursor")
    summary = callback_log.CallbackSummary()
    monkeypatch.setattr(webhook_wsgi, "accepted", summary)
    app = with_webhook_path(Django())
    for mid in ("wamid.prep1", "wamid.prep2", "wamid.prep3"):
        payload = statuses(mid)
        assert wsgi_call(app, URL, payload, **signed(payload)).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['INSERT INTO "messaging_webhookevent"%'],
        )
        assert cursor.fetchone()[0] == 1  # one row count, one statement, for the three
    assert WebhookEvent.objects.filter(provider_message_id__startswith="wamid.prep").count() == 3
    assert summary.requests == 3 and summary.queries >= 3  # the execute wrappers still see it


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(("age_left", "closed"), [(-1.0, True), (300.0, False)])
def test_the_connection_is_closed_after_a_callback_only_once_past_its_age(secret, age_left, closed):
    # What request_finished would do (close_old_connections), done without the signal.
    import time

    from django.db import connection

    if closed and connection.vendor == "sqlite":
        pytest.skip("Django never closes SQLite's in-memory test database")
    app = with_webhook_path(Django())
    connection.ensure_connection()
    kept = connection.connection
    connection.close_at = time.monotonic() + age_left
    payload = statuses(f"wamid.age{age_left}")
    assert wsgi_call(app, URL, payload, **signed(payload)).status_code == 200
    assert (connection.connection is None) is closed
    assert closed or connection.connection is kept
    assert WebhookEvent.objects.filter(provider_message_id=f"wamid.age{age_left}").exists()
