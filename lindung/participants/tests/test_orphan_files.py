"""Uploads left behind by a rolled-back registration are swept once old enough; files a
row names, and files too young to judge, stay. (The sweep lives in core; it is tested
here, where a real transaction leaves a real file.)"""

import datetime
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from lindung.core.orphan_files import sweep
from lindung.core.tests.factories import CoordinatorFactory
from lindung.jobs.models import Job
from lindung.participants import services
from lindung.participants.models import IdentityDocument
from lindung.participants.tests.test_services import data, png_upload

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    pass


def private_files() -> set[str]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def age(name: str, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(Path(settings.PRIVATE_MEDIA_ROOT) / name, (then, then))


def test_a_rolled_back_registration_leaves_a_file_that_the_sweep_removes():
    coordinator = CoordinatorFactory()
    before = private_files()
    with pytest.raises(RolledBack), transaction.atomic():
        services.participant_register(actor=coordinator, data=data(), documents={"ktp": png_upload()})
        raise RolledBack
    orphans = private_files() - before
    assert len(orphans) == 1 and not IdentityDocument.objects.exists()
    kept = services.participant_register(actor=coordinator, data=data(), documents={"ktp": png_upload()})
    kept_name = kept.documents[0].file.name
    (orphan,) = orphans

    # Young: it may belong to a transaction still running, so nothing is judged yet.
    assert orphan not in sweep().removed
    assert orphan in private_files()

    age(orphan, 25)
    age(kept_name, 25)
    assert orphan in sweep(dry_run=True).removed
    assert orphan in private_files()
    result = sweep()
    assert orphan in result.removed and kept_name not in result.removed
    assert orphan not in private_files() and kept_name in private_files()


def test_job_files_named_by_a_row_are_kept():
    job = Job.objects.create(kind="export", created_by=CoordinatorFactory())
    job.input_file.save("input.xlsx", _content(b"rows"), save=True)
    stray = Path(settings.PRIVATE_MEDIA_ROOT) / "jobs" / "input" / "left.xlsx"
    stray.write_bytes(b"left")
    for name in (job.input_file.name, "jobs/input/left.xlsx"):
        age(name, 48)
    # (Membership, not equality: earlier tests' files share the folder and their rows are gone.)
    removed = sweep(min_age=datetime.timedelta(hours=24)).removed
    assert "jobs/input/left.xlsx" in removed and job.input_file.name not in removed
    assert Path(job.input_file.path).exists()


def test_command_reports_and_refuses_a_dangerous_age(capsys):
    stray = Path(settings.PRIVATE_MEDIA_ROOT) / "jobs" / "output" / "old.csv"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"x")
    age("jobs/output/old.csv", 30)
    call_command("sweep_orphan_files", "--dry-run")
    assert "would remove jobs/output/old.csv" in capsys.readouterr().out and stray.exists()
    with pytest.raises(SystemExit):
        call_command("sweep_orphan_files", "--min-age-hours", "0.1")
    assert stray.exists()
    call_command("sweep_orphan_files")
    assert not stray.exists()


def test_beat_runs_the_sweep_daily():
    from lindung.core.tasks import SWEEP_TASK_NAME

    entry = settings.CELERY_BEAT_SCHEDULE["core-sweep-orphan-files"]
    assert entry["task"] == SWEEP_TASK_NAME and entry["schedule"] == 24 * 3600.0


def _content(raw: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(raw)
