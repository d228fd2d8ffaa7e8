"""Simultaneous submissions answer as on PostgreSQL on the embedded SQLite database too:
one payment recorded, the others refused with a clear message, never "database is locked"."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from lindung.billing.models import Payment

from .race import THREADS, payment_race

ROOT = Path(__file__).resolve().parents[3]
DUPLICATE = "A payment with this reference has already been recorded."

_SCRIPT = """
import json, django
from django.core.management import call_command
django.setup()
call_command("migrate", verbosity=0)
from lindung.api.tests.race import payment_race
from lindung.billing.models import Payment
answers = payment_race()
print(json.dumps({"answers": answers, "payments": Payment.objects.count()}))
"""


def _check(answers: list[tuple[int, str]], recorded: int) -> None:
    assert len(answers) == THREADS
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [400] * (THREADS - 1), answers
    assert all(DUPLICATE in body for status, body in answers if status == 400)
    assert recorded == 1


def test_simultaneous_payments_on_a_sqlite_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
            "DJANGO_ALLOWED_HOSTS": "testserver",
        }
    )
    result = subprocess.run(  # noqa: S603 - a fixed script run by our own interpreter
        [sys.executable, "-c", _SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    _check([tuple(answer) for answer in outcome["answers"]], outcome["payments"])


# Skipped before any database set-up on SQLite: the in-memory test database shares one
# cache between threads, which the file case above avoids. Serialized rollback, like the
# other transactional tests, so the data migrations' rows come back for the next test.
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), reason="SQLite: see the file case above"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_payments_on_the_configured_database() -> None:
    answers = payment_race()
    _check(answers, Payment.objects.count())
