"""Throughput of preview and commit. Run on demand: LINDUNG_BENCH_ROWS=10000 pytest -s -k benchmark."""

import datetime
import os
import time

import pytest

from lindung.core.tests.factories import CoordinatorFactory, bengkalis_village
from lindung.jobs.models import JobStatus
from lindung.participants.models import Participant, Sex
from lindung.participants.tests.factories import make_nik

from .import_helpers import HEADER, VILLAGE, commit, preview, xlsx

ROWS = int(os.environ.get("LINDUNG_BENCH_ROWS", "0"))
pytestmark = [pytest.mark.django_db, pytest.mark.skipif(not ROWS, reason="set LINDUNG_BENCH_ROWS to run")]


def test_import_benchmark(django_capture_on_commit_callbacks):
    bengkalis_village()
    coord = CoordinatorFactory()
    start = datetime.date(1960, 1, 1)
    rows = [HEADER]
    for i in range(ROWS):
        born = start + datetime.timedelta(days=i % 15000)
        serial = i // 15000 + 1
        sex = Sex.FEMALE if i % 2 else Sex.MALE
        nik = make_nik(born, sex, serial)
        rows.append(
            [nik, f"Peserta {i}", "Bengkalis", born.strftime("%d/%m/%Y"), "P" if i % 2 else "L", "Jl. X", VILLAGE, ""]
        )
    content = xlsx([(f"S{n}", [HEADER, *rows[1 + n * 1000 : 1 + (n + 1) * 1000]]) for n in range((ROWS + 999) // 1000)])
    t0 = time.perf_counter()
    job = preview(coord, content, capture=django_capture_on_commit_callbacks)
    t1 = time.perf_counter()
    assert job.result["import"]["counts"]["new"] == ROWS, job.message
    done = commit(coord, job, capture=django_capture_on_commit_callbacks)
    t2 = time.perf_counter()
    assert done.status == JobStatus.SUCCEEDED, done.message
    assert Participant.objects.count() == ROWS
    again = preview(coord, content, capture=django_capture_on_commit_callbacks)
    t3 = time.perf_counter()
    assert again.result["import"]["counts"]["unchanged"] == ROWS
    print(
        f"\n{ROWS} rows: preview {ROWS / (t1 - t0):.0f} rows/s ({t1 - t0:.1f}s), "
        f"commit {ROWS / (t2 - t1):.0f} rows/s ({t2 - t1:.1f}s), re-upload preview {ROWS / (t3 - t2):.0f} rows/s"
    )
