"""The import's background jobs. Registered from ParticipantsConfig.ready()."""

import threading
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from lindung.jobs.models import Job
from lindung.jobs.registry import Reporter, job_handler

from .base import ImportKind
from .jobs import COMMIT_JOB, PREVIEW_JOB
from .kinds import import_kind
from .pipeline import Report, run_import
from .reading import SpreadsheetFile, open_spreadsheet


def build_kind(preview: Job, *, committing: bool = False) -> ImportKind:
    """The import kind a preview job was queued for."""
    return import_kind(preview.params.get("kind", "")).build(preview, committing)


def _summary(report: Report) -> str:
    counts = report.counts
    return _("%(rows)s rows: %(new)s new, %(updated)s updated, %(unchanged)s unchanged, %(error)s with errors.") % {
        "rows": report.rows,
        **counts,
    }


@job_handler(PREVIEW_JOB)
def preview_import(job: Job, report: Reporter) -> None:
    with translation.override(job.params.get("language")):
        spreadsheet = _open_file(job)
        result = run_import(spreadsheet, build_kind(job), progress=report)
        job.result = {"import": result.as_json()}
        if result.error_messages:
            csv_bytes = ("\ufeff" + result.errors_csv.getvalue()).encode()
            job.result_file.save(f"import-{job.pk}-errors.csv", ContentFile(csv_bytes), save=False)
            job.result_name = f"errors-{job.input_name.rsplit('.', 1)[0]}.csv"[-200:]
        job.message = _summary(result)
        # The user may have cancelled while the file was being checked.
        if Job.objects.filter(pk=job.pk, result__cancelled=True).exists():
            job.result["cancelled"] = True


def _open_file(preview: Job) -> SpreadsheetFile:
    with preview.input_file.open("rb") as stream:
        return open_spreadsheet(stream, preview.input_name)


@job_handler(COMMIT_JOB)
def commit_import(job: Job, report: Reporter) -> None:
    preview = Job.objects.select_related("created_by").get(pk=job.params["preview"])
    with translation.override(job.params.get("language")):
        spreadsheet = _open_file(preview)
        kind = build_kind(preview, committing=True)
        with transaction.atomic():
            result = run_import(spreadsheet, kind, commit=True, progress=_outside_transaction(report))
        job.result = {"import": result.as_json()}
        job.message = _("Imported.") + " " + _summary(result)


def _outside_transaction(report: Reporter) -> Callable[[int, int], None]:
    """Progress written inside the commit's transaction would stay invisible until the
    end; on PostgreSQL it goes through a connection of its own. SQLite allows one writer
    at a time, so there (and when jobs run inline) progress shows at the end."""
    if settings.LINDUNG_JOBS_MODE == "inline" or connection.vendor != "postgresql":
        return report

    def write(done: int, total: int) -> None:
        def run() -> None:
            try:
                report(done, total)
            finally:
                connections.close_all()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join()

    return write
