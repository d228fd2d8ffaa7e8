"""The claim documents page (CLM-3): the checklist with each document's status, uploads,
reviews, corrections of what was typed, the mismatches and their overrides. Reads go
through the access model; every write through documents/services.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lindung.core import access
from lindung.core.permissions import staff_required

from .. import selectors as claim_selectors
from ..claim import Claim
from . import services
from .checks import checklist, current_documents, mismatches
from .forms import OverrideForm, ReviewForm, TypedFieldsForm, UploadForm
from .letter import missing_letter
from .models import ClaimDocument, MismatchOverride
from .selectors import document_get_for_user
from .services import OPEN_STATUSES, TYPED_FIELDS


def _errors(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def _page(
    request: HttpRequest,
    claim: Claim,
    upload: UploadForm | None = None,
    corrected: tuple[int, TypedFieldsForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    principal = access.principal_of(request.user)
    documents = current_documents(claim)
    rows = checklist(claim, documents)
    kind = request.GET.get("kind", "")
    open_for_documents = claim.status in OPEN_STATUSES
    forms = {
        d.pk: corrected[1]
        if corrected and corrected[0] == d.pk
        else TypedFieldsForm(initial={name: getattr(d, name) for name in TYPED_FIELDS}, prefix=f"doc{d.pk}")
        for d in documents
    }
    return render(
        request,
        "claims/documents.html",
        {
            "claim": claim,
            "rows": [(row, forms.get(row.document.pk) if row.document else None) for row in rows],
            "letter": missing_letter(claim, rows),
            "mismatches": mismatches(claim, documents),
            "history": ClaimDocument.objects.filter(claim=claim, replaced_by__isnull=False).select_related(
                "uploaded_by", "replaced_by"
            ),
            "upload": upload or UploadForm(kinds=[r.kind for r in rows], initial={"kind": kind} if kind else None),
            "may_upload": open_for_documents and access.may(principal, ClaimDocument, "add"),
            "may_review": access.may(principal, ClaimDocument, "review"),
            "may_transcribe": open_for_documents and access.may(principal, ClaimDocument, "transcribe"),
            "may_override": access.may(principal, MismatchOverride, "add"),
            "review_form": ReviewForm(),
            "override_form": OverrideForm(),
        },
        status=status,
    )


def _back(claim: Claim, anchor: str = "") -> HttpResponse:
    return redirect(reverse("claims:documents", kwargs={"claim_pk": claim.pk}) + anchor)


@staff_required
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest, claim_pk: int) -> HttpResponse:
    claim = claim_selectors.claim_get_for_user(request.user, claim_pk)
    if request.method != "POST":
        return _page(request, claim)
    form = UploadForm(request.POST, request.FILES, kinds=[r.kind for r in checklist(claim)])
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.document_upload(
                actor=request.user,
                claim=claim,
                kind=data["kind"],
                upload=data["file"],
                typed={name: data[name] for name in TYPED_FIELDS},
            )
        except ValidationError as error:
            for field, errors in _errors(error).items():
                form.add_error(None if field == "__all__" or field not in form.fields else field, errors)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The document has been uploaded."))
            return _back(claim, "#checklist")
    # The typed fields stay filled; only the file has to be chosen again (browsers never keep it).
    return _page(request, claim, upload=form, status=400)


@staff_required
def download(request: HttpRequest, claim_pk: int, document_pk: int) -> FileResponse:
    document = document_get_for_user(request.user, claim_pk, document_pk)
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=request.GET.get("inline") != "1",
        filename=document.original_name,
    )
    # Identity and bank documents must not stay in shared caches or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
@require_POST
def review(request: HttpRequest, claim_pk: int, document_pk: int) -> HttpResponse:
    document = document_get_for_user(request.user, claim_pk, document_pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or reject."))
        return _back(document.claim, "#checklist")
    try:
        services.document_review(
            actor=request.user,
            document=document,
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"],
        )
    except (ValidationError, PermissionDenied) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
    else:
        messages.success(request, _("The review has been recorded."))
    return _back(document.claim, "#checklist")


@staff_required
@require_POST
def transcribe(request: HttpRequest, claim_pk: int, document_pk: int) -> HttpResponse:
    document = document_get_for_user(request.user, claim_pk, document_pk)
    form = TypedFieldsForm(request.POST, prefix=f"doc{document.pk}")
    if form.is_valid():
        try:
            services.document_transcribe(actor=request.user, document=document, typed=form.cleaned_data)
        except ValidationError as error:
            for field, errors in _errors(error).items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The details have been corrected."))
            return _back(document.claim, "#mismatches")
    return _page(request, document.claim, corrected=(document.pk, form), status=400)


@staff_required
@require_POST
def override(request: HttpRequest, claim_pk: int) -> HttpResponse:
    claim = claim_selectors.claim_get_for_user(request.user, claim_pk)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why this difference is not a problem."))
        return _back(claim, "#mismatches")
    try:
        services.mismatch_override(
            actor=request.user, claim=claim, key=form.cleaned_data["key"], reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
    else:
        messages.success(request, _("The mismatch has been overridden."))
    return _back(claim, "#mismatches")
