"""Background exports: one job kind per export spec (reports.<spec>_export). The job
holds the list's GET parameters and runs them as its creator, so the scope is the one
they have when the file is made."""

import tempfile
from typing import Any

from django.core.files import File
from django.utils import translation
from django.utils.translation import gettext

from lindung.jobs.models import Job
from lindung.jobs.registry import Reporter, handler_for, job_handler
from lindung.operations.replica import reading_from_replica

from .exports.service import export_count, export_filename, export_write
from .exports.spec import SPECS, ExportSpec


def _handler(spec: ExportSpec) -> Any:
    @reading_from_replica()
    def run(job: Job, report: Reporter) -> None:
        user, params, fmt = job.created_by, job.params.get("query", {}), job.params["format"]
        with translation.override(job.params.get("language") or translation.get_language()):
            total = export_count(spec, user, params)
            report(0, total, gettext("Writing %(count)s rows…") % {"count": total})
            with tempfile.TemporaryFile() as out:
                rows = export_write(
                    spec=spec,
                    user=user,
                    params=params,
                    fmt=fmt,
                    out=out,
                    total=total,
                    progress=lambda done, of: report(done, of),
                )
                name = export_filename(spec, fmt)
                out.seek(0)
                job.result_file.save(name, File(out, name=name), save=False)
            job.result_name = name
            job.result = {"rows": rows, "format": fmt}
            job.message = gettext("%(count)s rows exported.") % {"count": rows}

    return run


def register_all() -> None:
    for spec in SPECS.values():
        try:
            handler_for(spec.job_kind)
        except LookupError:
            job_handler(spec.job_kind)(_handler(spec))
