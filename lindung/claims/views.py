"""A minimal claim page and work queue (CLM-5), behind the staff door; every read goes
through the claims selectors (the access model), every write through the services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from lindung.core import access
from lindung.core.models import DomainEvent
from lindung.core.permissions import staff_required

from . import selectors, services
from .claim import ClaimStatus
from .paging import keyset_page
from .rules_engine import Channel, benefit, eligibility, route
from .states import claim_day, claim_states

QUEUE_PAGE_SIZE = 50


@staff_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The work queue: claims in scope, oldest in their status first, with days in state."""
    status = request.GET.get("status", "")
    claims = selectors.claims_for(request.user)
    if status in ClaimStatus.values:
        claims = claims.filter(status=status)
    else:
        status = ""
    # Paged by key, not by number: every page costs what the first one does (paging.py).
    page = keyset_page(claims, after=request.GET.get("after"), before=request.GET.get("before"), size=QUEUE_PAGE_SIZE)
    now = timezone.now()
    rows = [(claim, (now - claim.status_changed_at).days) for claim in page.rows]
    return render(
        request,
        "claims/queue.html",
        {"page": page, "rows": rows, "statuses": ClaimStatus.choices, "status": status},
    )


@staff_required
@require_GET
def detail(request: HttpRequest, claim_pk: int) -> HttpResponse:
    claim = selectors.claim_get_for_user(request.user, claim_pk)
    on = claim.submitted_on or claim_day()
    facts = claim.facts()
    answer = route(claim.participant, facts, on)
    principal = access.principal_of(request.user)
    timeline = DomainEvent.objects.filter(
        kind="claim.status_changed", subject_type="claims.claim", subject_id=claim.pk
    ).order_by("id")
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "on": on,
            "eligibility": eligibility(claim.participant, facts, on),
            "route": answer,
            "benefit": benefit(claim.participant, facts, on),
            "missing": claim.missing_facts(),
            "timeline": timeline,
            "channel": Channel(answer.channel).label,
            # Guards are not asked here: pay and archive need the values the form asks for,
            # and every guard answers again, with its reason, when the step is taken.
            "available": [
                t
                for t in claim_states.transitions.values()
                if claim.status in t.sources and access.permits(principal, claim, t.name)
            ],
        },
    )


@staff_required
@require_POST
def move(request: HttpRequest, claim_pk: int) -> HttpResponse:
    claim = selectors.claim_get_for_user(request.user, claim_pk)
    try:
        services.claim_transition(
            actor=request.user,
            claim=claim,
            transition=request.POST.get("transition", ""),
            reason=request.POST.get("reason", ""),
            transaction_code=request.POST.get("transaction_code", ""),
            archive_box=request.POST.get("archive_box", ""),
            archive_position=request.POST.get("archive_position", ""),
        )
    except (ValidationError, PermissionDenied) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
    return redirect("claims:detail", claim_pk=claim.pk)
