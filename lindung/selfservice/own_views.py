"""The participant's own record (SELF-2): behind the participant door, every read
through core.access with the participant principal. No page takes a record id: "own"
is the session, so there is nothing to guess."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lindung.cards.pdf import card_context, render_card_pdf
from lindung.core.form_errors import show_service_errors

from . import corrections, selectors
from .doors import participant_required, who
from .forms import CorrectionForm


@participant_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = who(request)
    overview = selectors.own_overview(user)
    context = {
        "overview": overview,
        "open_bills": selectors.own_open_bills(user)[:12],
        "methods": selectors.payment_methods(user),
        "today": timezone.localdate(),
    }
    return render(request, "selfservice/home.html", context)


@participant_required
@require_GET
def bills(request: HttpRequest) -> HttpResponse:
    user = who(request)
    context = {"bills": selectors.own_bills(user), "payments": selectors.own_payments(user)}
    return render(request, "selfservice/bills.html", context)


@participant_required
@require_GET
def claims(request: HttpRequest) -> HttpResponse:
    return render(request, "selfservice/claims.html", {"claims": selectors.own_claims(who(request))})


@participant_required
@require_GET
def messages_received(request: HttpRequest) -> HttpResponse:
    return render(request, "selfservice/messages.html", {"outbox": selectors.own_messages(who(request))})


@participant_required
@require_GET
def card(request: HttpRequest) -> HttpResponse:
    user = who(request)
    participant = selectors.own_participant(user)
    live = selectors.own_live_card(user)
    if live is None:
        return render(request, "selfservice/no_card.html", {"participant": participant}, status=404)
    verify_url = request.build_absolute_uri(reverse("cards:verify", args=[live.token]))
    pdf = render_card_pdf(card_context(participant=participant, card=live, verify_url=verify_url))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="kartu-lindung.pdf"'
    return response


@participant_required
@require_http_methods(["GET", "POST"])
def corrections_page(request: HttpRequest) -> HttpResponse:
    user = who(request)
    form = CorrectionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                corrections.correction_request(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                show_service_errors(form, exc)
            else:
                messages.success(request, _("Sent. Your coordinator will check it; the answer appears below."))
                return redirect("selfservice:corrections")
        status = 400
    context = {
        "form": form,
        "participant": selectors.own_participant(user),
        "requests": selectors.own_corrections(user),
    }
    return render(request, "selfservice/corrections.html", context, status=status)
