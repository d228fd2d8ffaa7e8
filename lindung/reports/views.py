import tempfile

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.core.permissions import staff_required
from lindung.jobs.services import job_enqueue
from lindung.operations.replica import reading_from_replica

from .exports.service import FORMATS, export_count, export_filename, export_params, export_write
from .exports.spec import SPECS

# Up to this many rows the file is made during the request (a few seconds at most for a
# PDF); beyond, a background job makes it and the user follows its progress (UI-5).
SYNC_MAX_ROWS: int = settings.LINDUNG_EXPORT_SYNC_MAX_ROWS


@staff_required
@reading_from_replica()
def export_view(request: HttpRequest, spec_key: str, fmt: str) -> HttpResponseBase:
    """The list a user is looking at (scope, filters, search, sort from the query string)
    as a file: at once when small, else through a job."""
    spec = SPECS.get(spec_key)
    if spec is None or fmt not in FORMATS:
        raise Http404
    user = request.user
    assert isinstance(user, User)
    total = export_count(spec, user, request.GET, limit=SYNC_MAX_ROWS)
    if total > SYNC_MAX_ROWS:
        job = job_enqueue(
            actor=user,
            kind=spec.job_kind,
            params={
                "format": fmt,
                "query": export_params(spec, request.GET),
                "language": translation.get_language(),
            },
        )
        messages.info(request, _("The export is large; it is being prepared. Download it here when it is done."))
        return redirect("jobs:detail", pk=job.pk)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    export_write(spec=spec, user=user, params=request.GET, fmt=fmt, out=out, total=total)
    out.seek(0)
    response = FileResponse(
        out, as_attachment=True, filename=export_filename(spec, fmt), content_type=FORMATS[fmt].content_type
    )
    # Personal data: no shared cache, no copy left in the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response
