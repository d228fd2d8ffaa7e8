"""Queue, commit and cancel imports. An import is two jobs: a preview (parse and check,
store counts, samples and the errors file) and, once the user confirms, a commit that
checks everything again and writes it in one transaction."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.core import access
from lindung.core.scoping import get_scoped_or_404, scope_queryset
from lindung.jobs.models import Job, JobStatus
from lindung.jobs.services import job_enqueue
from lindung.participants.models import Participant

from .kinds import is_import_kind
from .reading import ALLOWED_EXTENSIONS, MAX_UPLOAD_BYTES

PREVIEW_JOB = "participants_import_preview"
COMMIT_JOB = "participants_import_commit"


def _require_staff(actor: User) -> None:
    access.require_may(access.principal_of(actor), Participant, "add")


@transaction.atomic
def import_start(
    *, actor: User, upload: UploadedFile, coordinator: User | None = None, kind: str = "participants"
) -> Job:
    """Queue the preview of an uploaded file. A coordinator imports for themselves; an
    admin may name the coordinator the new participants belong to (payments: no
    coordinator, each row names its collector)."""
    _require_staff(actor)
    if not is_import_kind(kind):
        raise ValueError(f"unknown import kind {kind!r}")
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)d MB. Split it into smaller files.") % {"mb": MAX_UPLOAD_BYTES // 2**20}
        )
    if not (upload.name or "").lower().endswith(ALLOWED_EXTENSIONS):
        raise ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file."))
    if actor.is_coordinator or coordinator is None or kind != "participants":
        coordinator_id = actor.pk if actor.is_coordinator else None
    else:
        if not (coordinator.is_active and coordinator.is_coordinator):
            raise ValidationError(_("Choose an active coordinator."))
        coordinator_id = coordinator.pk
    params = {"kind": kind, "coordinator": coordinator_id, "language": translation.get_language()}
    return job_enqueue(actor=actor, kind=PREVIEW_JOB, params=params, input_file=upload)


def import_previews_for(user: Any) -> QuerySet[Job]:
    return scope_queryset(user, Job.objects.filter(kind=PREVIEW_JOB))


def import_get_for_user(user: Any, pk: int) -> Job:
    return get_scoped_or_404(user, Job.objects.filter(kind=PREVIEW_JOB).select_related("created_by"), pk=pk)


def import_commit_job(preview: Job) -> Job | None:
    return Job.objects.filter(kind=COMMIT_JOB, params__preview=preview.pk).order_by("-pk").first()


def is_cancelled(preview: Job) -> bool:
    return bool(preview.result.get("cancelled"))


def can_commit(preview: Job, commit_job: Job | None) -> bool:
    summary = preview.result.get("import") or {}
    return (
        preview.status == JobStatus.SUCCEEDED
        and not is_cancelled(preview)
        and summary.get("rows", 0) > 0
        and summary.get("counts", {}).get("error", 1) == 0
        and (commit_job is None or commit_job.status == JobStatus.FAILED)
    )


@transaction.atomic
def import_commit(*, actor: User, preview: Job) -> Job:
    """Queue the commit of a previewed file: only its uploader, only once, only if the
    preview found no error (all or nothing)."""
    _require_staff(actor)
    preview = Job.objects.select_for_update().get(pk=preview.pk)
    if preview.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded the file can import it."))
    if not can_commit(preview, import_commit_job(preview)):
        raise ValidationError(_("This file cannot be imported: it has errors, was cancelled or is already imported."))
    return job_enqueue(
        actor=actor, kind=COMMIT_JOB, params={"preview": preview.pk, "language": translation.get_language()}
    )


@transaction.atomic
def import_cancel(*, actor: User, preview: Job) -> None:
    """Drop an import before it is committed; the uploaded file is deleted."""
    _require_staff(actor)
    preview = Job.objects.select_for_update().get(pk=preview.pk)
    access.require(access.principal_of(actor), preview, "change")
    commit_job = import_commit_job(preview)
    if commit_job is not None and commit_job.status != JobStatus.FAILED:
        raise ValidationError(_("This import has already started; it can no longer be cancelled."))
    Job.objects.filter(pk=preview.pk).update(result={**preview.result, "cancelled": True})
    stored = preview.input_file.name
    if stored:
        transaction.on_commit(lambda: preview.input_file.storage.delete(stored))
