"""Bulk import pages (REG-4). Thin: the imports package and the
jobs app do the work."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.models import User
from lindung.core.permissions import staff_required

from .imports import jobs as imports
from .imports.errors_file import errors_as_xlsx
from .imports.forms import ImportUploadForm
from .imports.kinds import import_kind

RECENT_IMPORTS = 10


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@staff_required
def import_start(request: HttpRequest, kind: str = "participants") -> HttpResponse:
    """The start page of an import; ``kind`` comes from the URL (participants, payments)."""
    user = _user(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=user, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_start(
                actor=user,
                upload=form.cleaned_data["file"],
                coordinator=form.cleaned_data.get("coordinator"),
                kind=kind,
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            messages.success(request, _("The file has been uploaded and is being checked. Nothing is imported yet."))
            return redirect("participants:import_detail", pk=job.pk)
    recent = (
        imports.import_previews_for(user)
        .filter(params__kind=kind)
        .only("id", "status", "input_name", "created_at", "message", "result", "created_by_id")[:RECENT_IMPORTS]
    )
    columns = import_kind(kind).columns
    context = {"form": form, "columns": columns, "recent": recent, "kind": kind}
    return render(request, "participants/import_start.html", context)


@staff_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress while the file is checked or written; the preview once it is checked.
    The htmx poll asks for a full reload as soon as the running job is done."""
    preview = imports.import_get_for_user(request.user, pk)
    commit_job = imports.import_commit_job(preview)
    running = commit_job if commit_job is not None else preview
    if request.headers.get("HX-Request"):
        if running.is_done:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "participants/import_progress.html", {"preview": preview, "job": running})
    summary = preview.result.get("import") or {}
    context: dict[str, Any] = {
        "preview": preview,
        "commit_job": commit_job,
        "running": running if not running.is_done else None,
        "summary": summary,
        "counts": summary.get("counts", {}),
        "samples": summary.get("samples", {}),
        "committed": (commit_job.result.get("import") or {}).get("counts", {}) if commit_job else {},
        "cancelled": imports.is_cancelled(preview),
        "kind": preview.params.get("kind", "participants"),
        "can_commit": imports.can_commit(preview, commit_job) and preview.created_by_id == request.user.pk,
    }
    return render(request, "participants/import_detail.html", context)


@staff_required
def import_errors(request: HttpRequest, pk: int) -> FileResponse:
    preview = imports.import_get_for_user(request.user, pk)
    if not preview.result_file:
        raise Http404
    stored = preview.result_file.open("rb")
    stem = preview.result_name.rsplit(".", 1)[0] or "errors"
    if request.GET.get("format") == "xlsx":
        with stored:
            response = FileResponse(errors_as_xlsx(stored), as_attachment=True, filename=f"{stem}.xlsx")
    else:
        response = FileResponse(stored, as_attachment=True, filename=f"{stem}.csv")
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    preview = imports.import_get_for_user(user, pk)
    try:
        imports.import_commit(actor=user, preview=preview)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])) or _("Not allowed."))
    else:
        messages.success(request, _("The import has started. Every row is written, or none is."))
    return redirect("participants:import_detail", pk=pk)


@staff_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    preview = imports.import_get_for_user(user, pk)
    try:
        imports.import_cancel(actor=user, preview=preview)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("participants:import_detail", pk=pk)
    messages.success(request, _("The import has been cancelled. Nothing was imported."))
    if preview.params.get("kind") == "payments":
        return redirect("participants:payments_import_start")
    return redirect("participants:import_start")
