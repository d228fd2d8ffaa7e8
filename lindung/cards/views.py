from collections.abc import Mapping

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lindung.accounts.models import User
from lindung.core.permissions import public, staff_required

from . import selectors, services
from .coverage import valid_through_from
from .masking import mask_name
from .pdf import LAYOUTS, Layout, card_context, render_card_pdf
from .ratelimit import VERIFY_WINDOW_SECONDS, verify_allowed


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@staff_required
@require_GET
def card_page(request: HttpRequest, participant_pk: int) -> HttpResponse:
    participant = selectors.card_participant_for_user(_user(request), participant_pk)
    card = selectors.card_live_for(participant)
    return render(request, "cards/card.html", {"participant": participant, "card": card})


@staff_required
@require_GET
def card_pdf(request: HttpRequest, participant_pk: int) -> HttpResponse:
    user = _user(request)
    participant = selectors.card_participant_for_user(user, participant_pk)
    layout = request.GET.get("layout", Layout.CARD)
    if layout not in LAYOUTS:
        layout = Layout.CARD
    card = services.card_ensure(actor=user, participant=participant)
    verify_url = request.build_absolute_uri(reverse("cards:verify", args=[card.token]))
    pdf = render_card_pdf(card_context(participant=participant, card=card, verify_url=verify_url), layout)
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = "-a4" if layout == Layout.A4 else ""
    response["Content-Disposition"] = f'inline; filename="card-{participant.pk}{suffix}.pdf"'
    # The card carries personal data: no shared or browser cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_POST
def card_reissue(request: HttpRequest, participant_pk: int) -> HttpResponse:
    user = _user(request)
    participant = selectors.card_participant_for_user(user, participant_pk)
    services.card_issue(actor=user, participant=participant)
    messages.success(request, _("A new card was issued. The QR code of the previous card no longer verifies."))
    return redirect("cards:card", participant_pk=participant.pk)


def _verify_response(request: HttpRequest, context: Mapping[str, object], status: int) -> HttpResponse:
    response = render(request, "cards/verify.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The token is a bearer secret: it must not travel on to other sites as a referrer.
    response["Referrer-Policy"] = "no-referrer"
    return response


@public
@never_cache
@require_GET
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public (no sign-in), what the card's QR code opens: the masked name, status and
    valid-through, nothing else. Unknown tokens get the same template and one query like
    known ones, so the answer's shape does not help anyone guessing."""
    if not verify_allowed(request):
        response = _verify_response(request, {"state": "limited"}, status=429)
        response["Retry-After"] = str(VERIFY_WINDOW_SECONDS)
        return response
    card = selectors.card_for_token(token)
    if card is None:
        return _verify_response(request, {"state": "not_found"}, status=404)
    if card.is_revoked:
        return _verify_response(request, {"state": "revoked"}, status=410)
    participant = card.participant
    context = {
        "state": "valid",
        "masked_name": mask_name(participant.full_name),
        "status": participant.status,
        "status_label": participant.get_status_display(),
        # Read with the card (one query for the whole page): see coverage.with_valid_through.
        "valid_through": valid_through_from(getattr(card, "last_paid_month", None)),
        "checked_at": timezone.localtime(),
    }
    return _verify_response(request, context, status=200)
