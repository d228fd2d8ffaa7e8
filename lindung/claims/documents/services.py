"""Writes of claim documents: upload (checked by content, replacing the current one of
its kind and keeping it as history), review (accept, or reject with a reason), correct
what was typed from a document, and override a mismatch with a reason. Each checks the
actor through the access model and records a domain event."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.core import access, events
from lindung.participants.documents import check_document

from ..claim import Claim, ClaimStatus
from .checks import mismatches
from .models import ClaimDocument, DocumentKind, DocumentStatus, MismatchOverride

TYPED_FIELDS = ("name_on_document", "nik_on_document", "birth_date_on_document", "account_holder_on_document")
# Documents can be added while the claim is still being assembled or checked.
OPEN_STATUSES = frozenset({ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.NEEDS_DOCUMENTS})


def _typed(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(TYPED_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown document fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    typed = {name: values.get(name) or ("" if name != "birth_date_on_document" else None) for name in TYPED_FIELDS}
    nik = "".join(ch for ch in str(typed["nik_on_document"]) if not ch.isspace())
    if nik and (len(nik) != 16 or not nik.isdigit()):
        raise ValidationError({"nik_on_document": _("A NIK has 16 digits.")})
    typed["nik_on_document"] = nik
    return typed


def _check_pdf_complete(upload: UploadedFile) -> None:
    """A PDF that starts right but was cut off in transit (weak rural connections) lacks
    its end marker; catch it now rather than when the officer cannot open it."""
    size = upload.size or 0
    upload.seek(max(0, size - 2048))
    tail = upload.read()
    upload.seek(0)
    if b"%%EOF" not in tail:
        raise ValidationError(_("The PDF is incomplete (it may have been cut off while sending). Send it again."))


def _require_open(claim: Claim) -> None:
    if claim.status not in OPEN_STATUSES:
        raise ValidationError(
            _("Documents can be added only before the claim is verified (it is %(status)s).")
            % {"status": claim.get_status_display()}
        )


@transaction.atomic
def document_upload(
    *, actor: Any, claim: Claim, kind: str, upload: UploadedFile, typed: Mapping[str, Any] | None = None
) -> ClaimDocument:
    principal = access.principal_of(actor)
    locked = Claim.objects.select_for_update().select_related("participant").get(pk=claim.pk)
    if not access.permits(principal, locked, "view"):
        raise PermissionDenied(_("You may not add documents to this claim."))
    access.require_may(principal, ClaimDocument, "add", _("You may not add documents to this claim."))
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose which document this is.")})
    _require_open(locked)
    values = _typed(typed or {})
    checked = check_document(upload)
    if checked.content_type == "application/pdf":
        _check_pdf_complete(upload)
    previous = locked.documents.filter(kind=kind, replaced_by__isnull=True).first()
    document = ClaimDocument(
        claim=locked,
        kind=kind,
        original_name=(upload.name or "document")[-200:],
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
        **values,
    )
    with events.change(
        "claim.document_uploaded",
        actor=actor,
        participant_ids=[locked.participant_id],
        subject=locked,
        document_kind=kind,
    ) as event:
        # The file is written before the row; a rollback after this leaves an unreferenced
        # file, never a row without its file.
        document.file.save(f"upload.{checked.extension}", upload, save=False)
        try:
            document.save()
        except Exception:
            document.file.delete(save=False)
            raise
        if previous is not None:
            previous.replaced_by = document
            previous.save(update_fields=["replaced_by"])
        event.facts.update(document=document.pk, replaces=previous.pk if previous else None)
    return document


@transaction.atomic
def document_review(*, actor: Any, document: ClaimDocument, accept: bool, reason: str = "") -> ClaimDocument:
    principal = access.principal_of(actor)
    locked = ClaimDocument.objects.select_for_update().select_related("claim__participant").get(pk=document.pk)
    access.require(principal, locked, "review", _("You may not review claim documents."))
    if locked.replaced_by_id is not None:
        raise ValidationError(_("This document has been replaced; review the current one."))
    if not accept and not reason.strip():
        raise ValidationError(
            {"reason": _("Say why the document is rejected, so the participant can bring the right one.")}
        )
    status = DocumentStatus.ACCEPTED if accept else DocumentStatus.REJECTED
    with events.change(
        "claim.document_reviewed",
        actor=actor,
        participant_ids=[locked.claim.participant_id],
        subject=locked.claim,
        document=locked.pk,
        document_kind=locked.kind,
        status=status,
        reason=reason.strip(),
    ):
        locked.status = status
        locked.status_reason = reason.strip()
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "reviewed_by", "reviewed_at"])
    return locked


@transaction.atomic
def document_transcribe(*, actor: Any, document: ClaimDocument, typed: Mapping[str, Any]) -> ClaimDocument:
    """Correct what was typed from a document (a slip when copying it, not the document)."""
    principal = access.principal_of(actor)
    locked = ClaimDocument.objects.select_for_update().select_related("claim__participant").get(pk=document.pk)
    access.require(principal, locked, "transcribe", _("You may not change this document's details."))
    _require_open(locked.claim)
    values = _typed(typed)
    changed = {name: value for name, value in values.items() if getattr(locked, name) != value}
    if not changed:
        return locked
    with events.change(
        "claim.document_transcribed",
        actor=actor,
        participant_ids=[locked.claim.participant_id],
        subject=locked.claim,
        document=locked.pk,
        fields=sorted(changed),
    ):
        for name, value in changed.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(changed))
    return locked


@transaction.atomic
def mismatch_override(*, actor: Any, claim: Claim, key: str, reason: str) -> MismatchOverride:
    principal = access.principal_of(actor)
    locked = Claim.objects.select_for_update().select_related("participant").get(pk=claim.pk)
    if not access.permits(principal, locked, "view"):
        raise PermissionDenied(_("You may not override mismatches on this claim."))
    access.require_may(principal, MismatchOverride, "add", _("You may not override mismatches."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this difference is not a problem.")})
    found = {m.key: m for m in mismatches(locked)}
    if key not in found:
        raise ValidationError(_("This mismatch is no longer there; reload the page."))
    existing = found[key].overridden
    if existing is not None:
        return existing
    with events.change(
        "claim.mismatch_overridden",
        actor=actor,
        participant_ids=[locked.participant_id],
        subject=locked,
        what=str(found[key].what),
        reason=reason.strip(),
    ):
        return MismatchOverride.objects.create(claim=locked, key=key, reason=reason.strip(), decided_by=actor)
