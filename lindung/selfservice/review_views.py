"""Staff pages: the verification queue of self-registrations (a coordinator sees those
routed to them, an administrator all), each with its likely duplicates side by side;
and the queue of participants' correction requests."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindung.accounts.models import User
from lindung.core import access
from lindung.core.permissions import staff_required

from . import corrections, registration, selectors
from .forms import ReasonForm
from .models import CorrectionStatus, RegistrationStatus
from .states import correction_states, registration_states

QUEUE_PAGE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@staff_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    queue = selectors.registration_queue(request.user)
    # The oldest first, a page a coordinator works through; the count says how many wait.
    context = {"registrations": queue[:QUEUE_PAGE], "waiting": queue.count(), "page_size": QUEUE_PAGE}
    return render(request, "selfservice/review_queue.html", context)


@staff_required
@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, ReasonForm())


def _detail(request: HttpRequest, pk: int, reject_form: ReasonForm, status: int = 200) -> HttpResponse:
    row = selectors.registration_get(request.user, pk)
    principal = access.principal_of(request.user)
    context = {
        "row": row,
        "duplicates": registration.likely_duplicates(row, principal),
        "may": {t.name for t in registration_states.available(row, principal)},
        "reject_form": reject_form,
        "pending": row.status == RegistrationStatus.PENDING,
    }
    return render(request, "selfservice/review_detail.html", context, status=status)


@staff_required
@require_GET
def review_photo(request: HttpRequest, pk: int) -> FileResponse:
    row = selectors.registration_get(request.user, pk)
    if not row.ktp_photo:
        raise Http404
    response = FileResponse(row.ktp_photo.open("rb"), content_type="image/jpeg", filename="ktp.jpg")
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_POST
def review_accept(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    row = selectors.registration_get(user, pk)
    try:
        participant = registration.registration_accept(
            actor=user, registration=row, sign_in_url=request.build_absolute_uri(reverse("selfservice:sign_in"))
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("selfservice:review_detail", pk=pk)
    messages.success(request, _("%(name)s is registered; they were told by message.") % {"name": participant})
    return redirect("participants:detail", pk=participant.pk)


@staff_required
@require_POST
def review_reject(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    row = selectors.registration_get(user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            registration.registration_reject(actor=user, registration=row, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("selfservice:review_detail", pk=pk)
        messages.success(request, _("The registration was rejected; the person was told why."))
        return redirect("selfservice:review_queue")
    return _detail(request, pk, form, status=400)


@staff_required
@require_GET
def correction_queue(request: HttpRequest) -> HttpResponse:
    rows = selectors.correction_queue(request.user)[:QUEUE_PAGE]
    return render(request, "selfservice/correction_queue.html", {"corrections": rows, "form": ReasonForm()})


@staff_required
@require_GET
def correction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.correction_get(request.user, pk)
    principal = access.principal_of(request.user)
    context = {
        "row": row,
        "may": {t.name for t in correction_states.available(row, principal)},
        "form": ReasonForm(),
        "pending": row.status == CorrectionStatus.PENDING,
    }
    return render(request, "selfservice/correction_detail.html", context)


@staff_required
@require_POST
def correction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    row = selectors.correction_get(user, pk)
    try:
        if request.POST.get("decision") == "approve":
            corrections.correction_approve(actor=user, correction=row)
            messages.success(request, _("The record was corrected."))
        else:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say why the correction is refused; the participant sees it."))
                return redirect("selfservice:correction_detail", pk=pk)
            corrections.correction_refuse(actor=user, correction=row, reason=form.cleaned_data["reason"])
            messages.success(request, _("The correction was refused."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("selfservice:correction_detail", pk=pk)
    return redirect("selfservice:correction_queue")
