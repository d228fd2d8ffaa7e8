"""Background work of billing: letters for big selections and bill runs as jobs (with
progress, UI-5), and the periodic tasks of schedule.py. Imported from BillingConfig.ready()
so the job handlers and Celery tasks are registered wherever Django starts."""

import datetime
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from celery import shared_task
from django.apps import apps
from django.core.cache import cache
from django.core.files import File
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext

from lindung.billing.arrears.table import arrears_rebuild
from lindung.billing.bills.coverage import coverage_candidates, coverage_refresh_many
from lindung.billing.bills.services import bills_generate
from lindung.billing.models import ParticipantArrears
from lindung.core.vacuum import vacuum_analyze
from lindung.jobs.models import Job
from lindung.jobs.registry import Reporter, job_handler

LETTERS_KIND = "billing.letters"
BILL_RUN_KIND = "billing.generate_bills"
# Shared with `manage.py generate_bills`, so a scheduled run and a manual one never overlap.
BILL_RUN_LOCK = "lindung:billing:generate_bills"
COVERAGE_LOCK = "lindung:billing:refresh_coverage"
ARREARS_LOCK = "lindung:billing:rebuild_arrears"
LOCK_SECONDS = 60 * 60
PROBLEMS_KEPT = 200


class Busy(Exception):
    pass


@contextmanager
def lock(key: str) -> Iterator[None]:
    if not cache.add(key, "1", LOCK_SECONDS):
        raise Busy(key)
    try:
        yield
    finally:
        cache.delete(key)


@job_handler(LETTERS_KIND)
def letters_job(job: Job, report: Reporter) -> None:
    from lindung.billing.arrears.filters import ArrearsFilterForm
    from lindung.billing.arrears.letters import letter_groups, letters_count, letters_file

    user = job.created_by
    params = job.params
    on = datetime.date.fromisoformat(params["on"])
    query = QueryDict(mutable=True)
    for key, value in (params.get("query") or {}).items():
        query[key] = value
    with translation.override(params.get("language") or translation.get_language()):
        filters = ArrearsFilterForm(query or None, user=user).filters()
        # Run as the creator: a coordinator's job still sees only their own late payers.
        groups = letter_groups(user, filters, str(query.get("q", "")).strip()[:100], on)
        total = letters_count(groups)
        report(0, total, gettext("Writing %(count)s letters…") % {"count": total})
        result = letters_file(groups, on, report=lambda done, of: report(done, of))
    with tempfile.TemporaryFile() as out:
        out.write(result.content)
        out.seek(0)
        job.result_file.save(result.filename, File(out, name=result.filename), save=False)
    job.result_name = result.filename
    job.result = {"letters": result.letters, "coordinators": len(groups)}
    job.message = gettext("%(count)s letters are ready.") % {"count": result.letters}


def bill_run_result(month: datetime.date, report: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    result = bills_generate(month=month, report=report)
    return {
        "month": f"{month:%Y-%m}",
        "created": result.created,
        "already_billed": result.already_billed,
        "problem_count": len(result.problems),
        # Links to the first few participants to fix; the count says how many there are.
        "problems": [[pid, text] for pid, text in list(result.problems.items())[:PROBLEMS_KEPT]],
    }


@job_handler(BILL_RUN_KIND)
def bill_run_job(job: Job, report: Reporter) -> None:
    month = datetime.datetime.strptime(job.params["month"], "%Y-%m").date()
    try:
        with lock(BILL_RUN_LOCK):
            job.result = bill_run_result(month, report=lambda done, of: report(done, of))
    except Busy as exc:
        raise RuntimeError(gettext("Another bill run is in progress; try again when it has finished.")) from exc
    job.message = gettext("%(created)s bills created, %(billed)s already billed, %(problems)s problems.") % {
        "created": job.result["created"],
        "billed": job.result["already_billed"],
        "problems": job.result["problem_count"],
    }


@shared_task(name="lindung.billing.generate_bills")
def generate_bills_task(month: str | None = None) -> dict[str, Any] | None:
    """Monthly: the current month's bills (schedule.py runs it on the 1st)."""
    day = datetime.datetime.strptime(month, "%Y-%m").date() if month else timezone.localdate().replace(day=1)
    try:
        with lock(BILL_RUN_LOCK):
            return bill_run_result(day)
    except Busy:
        return None


def refresh_coverage(on: datetime.date | None = None) -> dict[str, Any]:
    on = on or timezone.localdate()
    started = time.monotonic()
    candidates = coverage_candidates(on)
    counts = coverage_refresh_many(candidates, on)
    return {**counts, "seconds": round(time.monotonic() - started, 2)}


@shared_task(name="lindung.billing.refresh_coverage")
def refresh_coverage_task() -> dict[str, Any] | None:
    """Daily: lapse and reactivate by the lapse rule, even for people nobody paid for."""
    try:
        with lock(COVERAGE_LOCK):
            return refresh_coverage()
    except Busy:
        return None


def rebuild_arrears(on: datetime.date | None = None) -> dict[str, Any]:
    rebuild = arrears_rebuild(on)
    # The recount replaced every row: reclaim the old ones and refresh the statistics now,
    # after its transaction (VACUUM cannot run inside one).
    # The tallies sit above billing: their table is named by label, not imported.
    vacuumed = vacuum_analyze(ParticipantArrears, apps.get_model("tallies", "ArrearsTally"))
    return {
        "day": rebuild.day.isoformat(),
        "late_payers": rebuild.rows,
        "seconds": rebuild.seconds,
        "vacuumed": vacuumed,
    }


@shared_task(name="lindung.billing.rebuild_arrears")
def rebuild_arrears_task() -> dict[str, Any] | None:
    """Daily, just after midnight: bills that fell due yesterday are late today."""
    try:
        with lock(ARREARS_LOCK):
            return rebuild_arrears()
    except Busy:
        return None
