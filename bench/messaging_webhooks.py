"""Status callbacks through gunicorn, as production receives them: `gunicorn -c
deploy/gunicorn.conf.py` with the production settings on a loopback port, PostgreSQL,
and a concurrent client that POSTs signed callbacks over fresh connections (a sync
worker closes each one, as behind nginx). Used by bench/messaging.py.

The client is one process of threads writing prepared requests on raw sockets, so its
own cost per request is a fraction of the server's; it shares the machine's cores with
gunicorn all the same, which makes the figure conservative."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

WEBHOOK_PATH = "/messaging/webhooks/whatsapp/"
APP_SECRET = "bench-app-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Gunicorn:
    """gunicorn with this tree's deploy/gunicorn.conf.py and production settings."""

    def __init__(self, *, database_url: str, workers: int, app: str, log_path: str) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "WHATSAPP_APP_SECRET": APP_SECRET,
            # Production queues the applier on Celery (at most one kick per 0.5 s per
            # worker); an in-memory broker keeps that publish without a Redis of ours.
            "LINDUNG_JOBS_MODE": "celery",
            "CELERY_BROKER_URL": "memory://",
        }
        command = [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "-c",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            # The config recycles a worker every 20,000-30,000 requests (a guard against
            # slow leaks); a restart costs about a second of CPU, which this measure of the
            # request path leaves out (BENCHMARKS.md, session 10, has the whole stack).
            "--max-requests",
            "0",
            app,
        ]
        self.log = open(log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=self.log)
        self._wait()

    def _wait(self) -> None:
        for _ in range(600):
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log.name}")
            try:
                status = post_raw(self.port, [request_bytes(b"{}", "sha256=0")])[0]
            except OSError:
                time.sleep(0.1)
                continue
            if status == 403:  # up, and refusing an unsigned callback
                return
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not come up in 60 s")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def sign(body: bytes) -> str:
    from lindung.messaging import fake_provider as fp

    return fp.sign(body, APP_SECRET)


def request_bytes(body: bytes, signature: str) -> bytes:
    head = (
        f"POST {WEBHOOK_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nX-Hub-Signature-256: {signature}\r\n"
        # What nginx sets (deploy/nginx/lindung.conf): Django's HTTPS redirect sees https.
        "X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def payloads(statuses: Sequence[tuple[str, str, str]], per_request: int) -> list[tuple[bytes, int]]:
    """Signed requests carrying ``per_request`` statuses each (Meta batches them in
    entry[].changes[].value.statuses[]); a status is (message id, status, callback data)."""
    stamp = str(int(time.time()))
    out = []
    for start in range(0, len(statuses), per_request):
        items = [
            {
                "id": mid,
                "status": name,
                "timestamp": stamp,
                "recipient_id": "6281200000001",
                "biz_opaque_callback_data": ref,
            }
            for mid, name, ref in statuses[start : start + per_request]
        ]
        value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "bench"}, "statuses": items}
        body = json.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [{"id": "waba", "changes": [{"field": "messages", "value": value}]}],
            }
        ).encode()
        out.append((request_bytes(body, sign(body)), len(items)))
    return out


def post_raw(port: int, requests: Sequence[bytes]) -> list[int]:
    """Each request on a fresh connection; the HTTP status of each."""
    statuses = []
    for request in requests:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            conn.sendall(request)
            chunks = []
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        answer = b"".join(chunks)
        statuses.append(int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0)
    return statuses


def blast(port: int, requests: Sequence[bytes], clients: int) -> tuple[float, dict[int, int]]:
    """Send every request with ``clients`` connections in flight; seconds taken and the
    count of each HTTP status."""
    results: list[list[int]] = [[] for _ in range(clients)]

    def run(n: int) -> None:
        results[n] = post_raw(port, requests[n::clients])

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    counts: dict[int, int] = {}
    for status in (s for part in results for s in part):
        counts[status] = counts.get(status, 0) + 1
    return elapsed, counts


def measure(
    *,
    database_url: str,
    app: str,
    workers: int,
    clients: int,
    statuses: Sequence[tuple[str, str, str]],
    per_request: int,
) -> dict[str, Any]:
    prepared = payloads(statuses, per_request)
    warm, timed = prepared[: max(1, len(prepared) // 20)], prepared[max(1, len(prepared) // 20) :]
    server = Gunicorn(database_url=database_url, workers=workers, app=app, log_path="var/bench-gunicorn.log")
    try:
        blast(server.port, [r for r, _ in warm], clients)  # every worker connected and warm
        elapsed, counts = blast(server.port, [r for r, _ in timed], clients)
    finally:
        server.stop()
    if counts.get(200, 0) != len(timed):
        raise RuntimeError(f"not every callback was accepted: {counts}")
    carried = sum(n for _, n in timed)
    return {"requests_per_s": len(timed) / elapsed, "statuses_per_s": carried / elapsed, "requests": len(timed)}
