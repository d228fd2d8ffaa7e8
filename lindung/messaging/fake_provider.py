"""A fake WhatsApp Cloud API and SMS gateway: a small real HTTP server on loopback for
tests and benchmarks (never used by the application itself).

It answers ``POST /{version}/{phone-number-id}/messages`` like the Cloud API (a
``wamid`` on success, ``{"error": {"code": ...}}`` otherwise) and ``POST /sms`` like a
gateway, and counts every message it accepted per ``biz_opaque_callback_data`` (the
outbox id), so a test can assert that each was received exactly once. A script decides
the next answers: ``ok``, ``error`` (HTTP status and Cloud API code), ``timeout`` (accept
the message but answer too late) and ``drop`` (close without answering, not accepted).
Accepted messages get status webhooks (sent, delivered, optionally read), POSTed after
a delay to ``webhook_url`` with a valid ``X-Hub-Signature-256``, or kept in
``webhooks`` for the test to deliver when no URL is set. Like Meta under load, it can
put up to ``webhook_batch`` due statuses in one POST (the ``statuses`` array)."""

import contextlib
import hashlib
import heapq
import hmac
import itertools
import json
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib import request as urlrequest


@dataclass(frozen=True)
class Action:
    kind: str = "ok"  # ok | error | timeout | drop
    http_status: int = 200
    code: int | None = None


OK = Action()


def error(http_status: int, code: int | None = None) -> Action:
    return Action("error", http_status, code)


TIMEOUT = Action("timeout")
DROP = Action("drop")


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _QuietServer(ThreadingHTTPServer):
    # socketserver's default backlog of 5 overflows when several dispatcher processes
    # open their 16 connections at once: the dropped SYNs were retried a second later,
    # and some connections were reset mid-request (bench/messaging.py, 3 processes).
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client killed mid-call (the SIGKILL tests) resets its connection: expected.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeProvider:
    def __init__(
        self,
        *,
        app_secret: str = "fake-app-secret",  # noqa: S107 (a fake, for tests)
        webhook_url: str | None = None,
        webhook_delay: float = 0.0,
        statuses: tuple[str, ...] = ("sent", "delivered"),
        slow_seconds: float = 2.0,
        duplicate_webhooks: bool = False,
        send_webhooks: bool = True,
        delay_each: float = 0.0,
        webhook_batch: int = 1,
        on_accept: Callable[[int], None] | None = None,
    ) -> None:
        self.app_secret = app_secret
        self.webhook_url = webhook_url
        self.webhook_delay = webhook_delay
        self.statuses = statuses
        self.slow_seconds = slow_seconds
        self.duplicate_webhooks = duplicate_webhooks
        self.send_webhooks = send_webhooks
        self.delay_each = delay_each  # seconds before answering each accepted message
        self.webhook_batch = webhook_batch  # most statuses in one POST
        # Called with the running count after each accepted message, before it is
        # answered (a test kills a dispatcher there: its calls are then in flight).
        self.on_accept = on_accept
        self.lock = threading.Lock()
        self.script: list[Action] = []
        self.refused: dict[str, Action] = {}  # recipient -> answer, every time
        self.requests = 0
        self.accepted: Counter[str] = Counter()  # outbox id -> accepted WhatsApp messages
        self.sms: Counter[str] = Counter()  # reference -> accepted SMS
        self.bodies: list[dict[str, Any]] = []
        self.webhooks: list[bytes] = []  # kept when there is no webhook_url
        self.webhooks_posted = 0
        self.statuses_posted = 0  # statuses inside the POSTs the endpoint answered
        self._ids = itertools.count(1)
        self._due: list[tuple[float, int, bytes]] = []
        self._due_ready = threading.Condition(self.lock)
        self._stopping = False
        self.server = _QuietServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._threads = [
            threading.Thread(target=self.server.serve_forever, daemon=True, name="fake-provider"),
            threading.Thread(target=self._post_webhooks, daemon=True, name="fake-provider-webhooks"),
        ]

    # --- life ----------------------------------------------------------------------
    def start(self) -> "FakeProvider":
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        with self.lock:
            self._stopping = True
            self._due_ready.notify_all()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "FakeProvider":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- scripting -------------------------------------------------------------------
    def then(self, *actions: Action, times: int = 1) -> None:
        with self.lock:
            self.script.extend(list(actions) * times)

    def _next(self, to: str) -> Action:
        with self.lock:
            self.requests += 1
            if to in self.refused:
                return self.refused[to]
            return self.script.pop(0) if self.script else OK

    # --- webhooks --------------------------------------------------------------------
    def status_payload(
        self, message_id: str, status: str, *, ref: str, to: str, errors: list[dict[str, Any]] | None = None
    ) -> bytes:
        item: dict[str, Any] = {
            "id": message_id,
            "status": status,
            "timestamp": str(int(time.time())),
            "recipient_id": to,
            "biz_opaque_callback_data": ref,
        }
        if errors:
            item["errors"] = errors
        return self._envelope({"statuses": [item]})

    def reply_payload(self, from_number: str, text: str) -> bytes:
        message = {
            "from": from_number.lstrip("+"),
            "id": f"wamid.in.{next(self._ids)}",
            "timestamp": str(int(time.time())),
            "type": "text",
            "text": {"body": text},
        }
        return self._envelope({"contacts": [{"wa_id": from_number.lstrip("+")}], "messages": [message]})

    @staticmethod
    def _envelope(value: dict[str, Any]) -> bytes:
        value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "fake"}, **value}
        body = {
            "object": "whatsapp_business_account",
            "entry": [{"id": "fake-waba", "changes": [{"field": "messages", "value": value}]}],
        }
        return json.dumps(body).encode()

    def _schedule(self, payload: bytes, delay: float) -> None:
        with self.lock:
            if self.webhook_url is None:
                self.webhooks.append(payload)
                return
            heapq.heappush(self._due, (time.monotonic() + delay, next(self._ids), payload))
            self._due_ready.notify()

    def _post_webhooks(self) -> None:
        while True:
            with self.lock:
                while not self._stopping and (not self._due or self._due[0][0] > time.monotonic()):
                    wait = self._due[0][0] - time.monotonic() if self._due else None
                    self._due_ready.wait(timeout=wait)
                if self._stopping:
                    return
                now = time.monotonic()
                batch = [heapq.heappop(self._due)[2]]
                while self._due and len(batch) < self.webhook_batch and self._due[0][0] <= now:
                    batch.append(heapq.heappop(self._due)[2])
            payload = batch[0] if len(batch) == 1 else self._merge(batch)
            if 0 < self.post_webhook(payload) < 400:
                with self.lock:
                    self.statuses_posted += self._count_statuses(batch)

    def _merge(self, payloads: list[bytes]) -> bytes:
        """Several status callbacks as one, in the order they fell due."""
        statuses: list[Any] = []
        for payload in payloads:
            for entry in json.loads(payload)["entry"]:
                for change in entry["changes"]:
                    statuses.extend(change["value"].get("statuses", []))
        return self._envelope({"statuses": statuses})

    @staticmethod
    def _count_statuses(payloads: list[bytes]) -> int:
        return sum(
            len(change["value"].get("statuses", []))
            for payload in payloads
            for entry in json.loads(payload)["entry"]
            for change in entry["changes"]
        )

    def post_webhook(self, payload: bytes, *, signature: str | None = None, attempts: int = 5) -> int:
        """POST one payload to webhook_url (signed unless a signature is given)."""
        assert self.webhook_url
        for attempt in range(attempts):
            req = urlrequest.Request(  # noqa: S310 (loopback URL given by the test)
                self.webhook_url,
                data=payload,
                headers={
                    "Content-Type": "application/json",
                    "X-Hub-Signature-256": signature or sign(payload, self.app_secret),
                },
                method="POST",
            )
            try:
                with urlrequest.urlopen(req, timeout=10) as response:  # noqa: S310
                    with self.lock:
                        self.webhooks_posted += 1
                    return int(response.status)
            except (OSError, ValueError) as exc:  # URLError and HTTPError are OSErrors
                status = getattr(exc, "code", 0)
                if status and 400 <= status < 500:
                    return int(status)
                time.sleep(0.2 * (attempt + 1))  # like Meta, retry a failing endpoint
        return 0

    # --- the HTTP side -----------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in two writes: without this, Nagle's algorithm
                # and the client's delayed ACK add ~40 ms to every answer.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if len(raw) < length:
                    # The client died mid-request (a SIGKILLed worker): the real API never
                    # saw a whole message, so nothing is accepted or counted.
                    self.close_connection = True
                    return
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    self._answer(400, {"error": {"message": "body is not JSON", "code": 100}})
                    return
                if self.path.endswith("/sms"):
                    fake._sms(self, body)
                elif self.path.endswith("/messages"):
                    fake._whatsapp(self, body)
                else:
                    self._answer(404, {"error": {"message": "unknown path", "code": 100}})

        return Handler

    def _whatsapp(self, handler: Any, body: dict[str, Any]) -> None:
        to = str(body.get("to", ""))
        ref = str(body.get("biz_opaque_callback_data", ""))
        action = self._next(to)
        if action.kind == "drop":
            handler.close_connection = True
            handler.connection.shutdown(2)
            return
        if action.kind == "error":
            handler._answer(
                action.http_status,
                {"error": {"message": f"fake error {action.code}", "type": "OAuthException", "code": action.code or 0}},
            )
            return
        message_id = f"wamid.fake.{next(self._ids)}"
        with self.lock:
            self.accepted[ref] += 1
            self.bodies.append(body)
            count = self.accepted.total()
        if self.on_accept is not None:
            self.on_accept(count)
        if self.send_webhooks:
            for n, status in enumerate(self.statuses):
                payload = self.status_payload(message_id, status, ref=ref, to=to)
                for _copy in range(2 if self.duplicate_webhooks else 1):
                    self._schedule(payload, self.webhook_delay * (n + 1))
        if action.kind == "timeout":
            time.sleep(self.slow_seconds)
        elif self.delay_each:
            time.sleep(self.delay_each)
        with contextlib.suppress(OSError):  # the client may have given up waiting
            handler._answer(
                200,
                {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": to, "wa_id": to}],
                    "messages": [{"id": message_id}],
                },
            )

    def _sms(self, handler: Any, body: dict[str, Any]) -> None:
        ref = str(body.get("reference", ""))
        action = self._next(str(body.get("to", "")))
        if action.kind == "error":
            handler._answer(action.http_status, {"error": "fake"})
            return
        with self.lock:
            self.sms[ref] += 1
            self.bodies.append(body)
        handler._answer(200, {"id": f"sms.fake.{next(self._ids)}", "status": "queued"})
