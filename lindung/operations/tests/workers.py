"""A real Celery worker for the fault tests, in a process of its own, and the in-test
Celery client pointed at the same broker and a queue of the test's own."""

import contextlib
import sys
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app
from lindung.participants.models import IdentityDocument

from .servers import process, project_env

# Written beside the worker: its settings (the test database, the test's file folder, the
# broker) and hooks that make it stop at a known point the first time, so the test can
# kill it there. The hooks wrap the real code; nothing in the product knows about them.
WORKER_SETTINGS = """
import os
from pathlib import Path
from config.settings.test import *  # noqa
PRIVATE_MEDIA_ROOT = Path(os.environ["H13B_PRIVATE_ROOT"])
LINDUNG_JOBS_MODE = "celery"
CELERY_BROKER_URL = os.environ["H13B_BROKER"]
CELERY_TASK_DEFAULT_QUEUE = os.environ["H13B_QUEUE"]
CELERY_WORKER_ENABLE_REMOTE_CONTROL = False  # no pidbox keys left on the broker
"""
WORKER_HOOKS = '''
"""Pause once inside an import commit's transaction and once inside an export."""
import os
import time
from pathlib import Path

from lindung.participants.imports import handlers as imports
from lindung.reports import handlers as exports

MARKS = Path(os.environ["H13B_MARKS"])


def pause(name):
    mark = MARKS / name
    if not mark.exists():
        mark.write_text(str(os.getpid()))
        time.sleep(60)


real_progress = imports._outside_transaction


def progress_then_pause(report):
    write = real_progress(report)

    def wrapped(done, total):
        write(done, total)
        pause("in-import-commit")

    return wrapped


imports._outside_transaction = progress_then_pause
real_export = exports.export_write


def export_then_pause(**kwargs):
    rows = real_export(**kwargs)
    pause("in-export")
    return rows


exports.export_write = export_then_pause
'''


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.exceptions.ConnectionError:
        return False


@contextlib.contextmanager
def celery_client(broker: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Send this test's jobs to ``broker`` on a queue of its own."""
    queue = f"lindung-h13b-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(settings, "LINDUNG_JOBS_MODE", "celery")
    old = (app.conf.broker_url, app.conf.task_default_queue)
    app.conf.broker_url, app.conf.task_default_queue = broker, queue
    app._pool = None  # connections made for another broker are not reused
    app.amqp._producer_pool = None
    try:
        yield queue
    finally:
        app.conf.broker_url, app.conf.task_default_queue = old
        app._pool = None
        app.amqp._producer_pool = None
        _forget_queue(broker, queue)


def _forget_queue(broker: str, queue: str) -> None:
    """Leave nothing of this queue on the broker: its list, bindings, and the messages a
    killed worker left unacknowledged (kombu would bring them back in an hour)."""
    import json

    import redis

    with contextlib.suppress(redis.exceptions.ConnectionError):
        client = redis.Redis.from_url(broker, socket_connect_timeout=2)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        for tag, raw in client.hgetall("unacked").items():
            with contextlib.suppress(ValueError, IndexError, TypeError):
                if json.loads(raw)[2] == queue:
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)


class Worker:
    def __init__(self, folder: Path, broker: str, queue: str, *, pause: bool = True) -> None:
        self.pause = pause
        (folder / "h13b_worker_settings.py").write_text(textwrap.dedent(WORKER_SETTINGS))
        (folder / "h13b_worker_hooks.py").write_text(WORKER_HOOKS)
        self.folder, self.marks = folder, folder / "marks"
        self.marks.mkdir(exist_ok=True)
        db = connection.settings_dict
        private = IdentityDocument._meta.get_field("file").storage.location  # type: ignore[attr-defined]
        self.env = project_env(
            DJANGO_SETTINGS_MODULE="h13b_worker_settings",
            PYTHONPATH=f"{folder}:{settings.BASE_DIR}",
            DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            H13B_PRIVATE_ROOT=str(private),
            H13B_BROKER=broker,
            H13B_QUEUE=queue,
            H13B_MARKS=str(self.marks),
        )
        self.queue, self.runs = queue, 0

    @contextlib.contextmanager
    def running(self) -> Iterator[object]:
        self.runs += 1
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", self.queue]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        command += ["-I", "h13b_worker_hooks"] if self.pause else []
        with process(command, env=self.env, log=self.folder / f"worker-{self.runs}.log") as child:
            yield child

    def log(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.folder.glob("worker-*.log")))


def wait_until(condition: Callable[[], object], *, timeout: float, what: str, worker: Worker | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{worker.log() if worker else ''}")
