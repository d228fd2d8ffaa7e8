"""Drafting a claim (CLM-1, CLM-2): start one for a participant, then fill the facts
while the page shows the eligibility with its reasons, what is still missing and the
documents, with the next steps at hand. Coordinators draft for their own participants;
claims services officers at the counter for anyone (their duties grant it)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lindung.core import access
from lindung.core.permissions import staff_required
from lindung.participants.models import Participant

from .. import selectors, services
from ..claim import Claim
from ..dashboard.subscribers import assign_officer
from ..documents.checks import checklist, mismatches
from ..rules_engine import Channel, eligibility, route
from ..states import claim_day, claim_states
from .forms import FactsForm, StartForm


def _add_errors(form: StartForm | FactsForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@staff_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    principal = access.principal_of(request.user)
    if not access.may(principal, Claim, "add"):
        raise PermissionDenied
    initial = {}
    wanted = request.GET.get("participant", "")
    if wanted.isdigit():  # from the participant's page; someone else's reads as nobody
        chosen = access.scope(principal, Participant.objects.all()).filter(pk=int(wanted)).first()
        initial = {"nik": chosen.nik} if chosen else {}
    form = StartForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid() and form.participant is not None:
        try:
            claim = services.claim_draft(
                actor=request.user, participant=form.participant, program=form.cleaned_data["program"]
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, getattr(error, "messages", [str(error)]))
        else:
            assign_officer(claim.pk, request.user.pk)
            messages.success(request, _("The draft has been created. Fill in the facts."))
            return redirect("claims:edit", claim_pk=claim.pk)
    return render(request, "claims/start.html", {"form": form}, status=400 if form.errors else 200)


@staff_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, claim_pk: int) -> HttpResponse:
    claim = selectors.claim_get_for_user(request.user, claim_pk)
    principal = access.principal_of(request.user)
    editable = claim.status in services.EDITABLE_STATUSES and access.permits(principal, claim, "change")
    form = FactsForm(request.POST or None, instance=claim)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.claim_update(actor=request.user, claim=claim, facts=form.facts(), heirs=form.heirs())
            except (ValidationError, PermissionDenied) as error:
                _add_errors(form, error if isinstance(error, ValidationError) else ValidationError(str(error)))
            else:
                messages.success(request, _("The claim has been saved."))
                return redirect("claims:edit", claim_pk=claim.pk)
        # What was typed stays in the form; the answers below read the saved claim.
        claim = selectors.claim_get_for_user(request.user, claim_pk)
    day = claim_day()
    facts = claim.facts()
    rows = checklist(claim)
    return render(
        request,
        "claims/edit.html",
        {
            "claim": claim,
            "form": form,
            "editable": editable,
            "day": day,
            "eligibility": eligibility(claim.participant, facts, day),
            "channel": Channel(route(claim.participant, facts, day).channel).label,
            "missing": claim.missing_facts(),
            "documents_missing": [row.label for row in rows if row.blocks],
            "documents_total": len([row for row in rows if row.required]),
            "open_mismatches": [m for m in mismatches(claim) if m.overridden is None],
            "steps": [t for t in claim_states.available(claim, principal) if t.name == "submit"],
        },
        status=400 if form.errors else 200,
    )
