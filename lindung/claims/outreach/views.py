"""Age outreach pages (CLM-9): who to reach, reminders, the call log, the recap."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindung.core import access
from lindung.core.permissions import staff_required
from lindung.participants.models import Participant

from ..claim import ClaimProgram
from ..paging import BoundedPaginator
from .forms import ContactForm, OutreachFilterForm
from .models import OutreachContact
from .recap import recap_workbook
from .selectors import AgeRules, describe, mark_drafts, outreach_candidates
from .services import outreach_contact_log, outreach_remind

DEFAULT_MONTHS = 3
PAGE_SIZE = 50


def _filters(request: HttpRequest) -> tuple[OutreachFilterForm, str, int]:
    form = OutreachFilterForm(request.GET or None)
    program, months = ClaimProgram.OLD_AGE.value, DEFAULT_MONTHS
    if form.is_bound and form.is_valid():
        program = form.cleaned_data["program"] or program
        months = form.cleaned_data["months"] if form.cleaned_data["months"] is not None else months
    return form, program, months


@staff_required
@require_GET
def outreach_list(request: HttpRequest) -> HttpResponse:
    form, program, months = _filters(request)
    today = timezone.localdate()
    page = BoundedPaginator(outreach_candidates(request.user, program, months, today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rules = AgeRules(program)
    people = list(page)
    mark_drafts(people, program)
    rows = [describe(p, rules, today) for p in people]
    params = urlencode({"program": str(program), "months": str(months)})
    may_contact = access.may(access.principal_of(request.user), OutreachContact, "add")
    return render(
        request,
        "claims/outreach/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "program": program,
            "months": months,
            "rule": rules.on(today).rule,
            "params": params,
            "may_contact": may_contact,
        },
        status=200 if not form.is_bound or form.is_valid() else 400,
    )


@staff_required
@require_POST
def outreach_send(request: HttpRequest) -> HttpResponse:
    program = request.POST.get("program", ClaimProgram.OLD_AGE)
    back = reverse("claims:outreach") + "?" + urlencode({"program": program, "months": request.POST.get("months", "")})
    try:
        ids = [int(value) for value in request.POST.getlist("participant")]
        count = outreach_remind(actor=request.user, participant_ids=ids, program=program, today=timezone.localdate())
    except ValueError:
        messages.error(request, _("Choose participants from the list."))
    except (ValidationError, PermissionDenied) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(n)s reminders queued. A participant already reminded this month is not messaged twice.")
            % {"n": count},
        )
    return redirect(back)


@staff_required
@require_http_methods(["GET", "POST"])
def outreach_person(request: HttpRequest, participant_pk: int) -> HttpResponse:
    principal = access.principal_of(request.user)
    participant = access.get_or_404(principal, Participant.objects.all(), pk=participant_pk)
    program = request.GET.get("program") or request.POST.get("program") or ClaimProgram.OLD_AGE
    if program not in (ClaimProgram.OLD_AGE, ClaimProgram.PENSION):
        program = ClaimProgram.OLD_AGE
    form = ContactForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                outreach_contact_log(
                    actor=request.user, participant=participant, program=program, data=form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied as error:
                messages.error(request, str(error))
                return redirect(reverse("claims:outreach_person", args=[participant.pk]) + f"?program={program}")
            else:
                messages.success(request, _("The contact was logged."))
                return redirect(reverse("claims:outreach_person", args=[participant.pk]) + f"?program={program}")
        status = 400
    contacts = access.scope(principal, OutreachContact.objects.filter(participant=participant), "view").select_related(
        "contacted_by"
    )
    return render(
        request,
        "claims/outreach/person.html",
        {
            "row": describe(participant, AgeRules(program), timezone.localdate()),
            "program": program,
            "program_label": ClaimProgram(program).label,
            "form": form,
            "contacts": contacts[:100],
            "may_contact": access.may(principal, OutreachContact, "add"),
        },
        status=status,
    )


@staff_required
@require_GET
def outreach_recap(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        recap_workbook(request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="outreach-recap-{timezone.localdate():%Y-%m-%d}.xlsx"'
    return response
