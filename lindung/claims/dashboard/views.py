"""The claims dashboard page, scoped: a coordinator sees their participants' claims,
branch officers and administrators the branch's."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lindung.core.permissions import staff_required

from .. import selectors as claim_selectors
from ..claim import ClaimProgram
from . import selectors


@staff_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    program = request.GET.get("program", "")
    claims = claim_selectors.claims_for(request.user)
    if program in ClaimProgram.values:
        claims = claims.filter(program=program)
    context = selectors.dashboard(claims)
    context.update(programs=ClaimProgram.choices, program=program)
    return render(request, "claims/dashboard.html", context)
