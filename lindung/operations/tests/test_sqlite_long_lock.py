"""A SQLite write lock held past the busy timeout (20 s in production; 1 s here) answers
with the product's 503 and Retry-After, like any database outage, not a 500; once the
lock is gone the same request goes through. Runs in a child process against a real
SQLite file, since the in-memory test database cannot be locked from outside."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

_SCRIPT = """
import json, sqlite3, sys, uuid
import django
from django.conf import settings
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test import Client
call_command("migrate", verbosity=0)
connection.settings_dict["OPTIONS"]["timeout"] = 1  # the busy timeout, shortened
connection.close()
from lindung.core.tests.factories import CoordinatorFactory
from lindung.participants.tests.test_views import form_data
client = Client(raise_request_exception=False)
client.force_login(CoordinatorFactory())
body = {**form_data(), "idempotency_key": str(uuid.uuid4())}  # writes the village: before the lock
def send():
    response = client.post("/participants/field/submit/", body)
    return [response.status_code, response.get("Retry-After", "")]
blocker = sqlite3.connect(sys.argv[1], isolation_level=None)
blocker.execute("BEGIN IMMEDIATE")
locked = send()
blocker.execute("ROLLBACK")
print(json.dumps({"locked": locked, "free": send()}))
"""


def test_a_long_sqlite_lock_answers_503_then_recovers(tmp_path: Path) -> None:
    database = tmp_path / "locked.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_ALLOWED_HOSTS": "testserver",
        }
    )
    result = subprocess.run(  # noqa: S603 - a fixed script run by our own interpreter
        [sys.executable, "-c", _SCRIPT, str(database)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["locked"] == [503, "30"], result.stderr[-2000:]
    assert outcome["free"] == [201, ""]
