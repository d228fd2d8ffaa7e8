"""The voucher PDF (staff, scoped through the claim) and the public page its QR code opens."""

from collections.abc import Mapping

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lindung.cards.masking import mask_name
from lindung.cards.ratelimit import VERIFY_WINDOW_SECONDS, verify_allowed
from lindung.core.permissions import public, staff_required

from .. import selectors
from .models import ClaimVoucher
from .pdf import render_voucher_pdf, voucher_context


@staff_required
@require_GET
def voucher_pdf(request: HttpRequest, claim_pk: int) -> HttpResponse:
    claim = selectors.claim_get_for_user(request.user, claim_pk)
    voucher = ClaimVoucher.objects.filter(claim=claim).first()
    if voucher is None:
        messages.error(request, _("The voucher exists once the payment is recorded."))
        return redirect("claims:detail", claim_pk=claim.pk)
    verify_url = request.build_absolute_uri(reverse("claims:voucher_verify", args=[voucher.token]))
    pdf = render_voucher_pdf(voucher_context(claim, voucher, verify_url))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="voucher-{voucher.number}.pdf"'
    return response


def _verify_response(request: HttpRequest, context: Mapping[str, object], status: int) -> HttpResponse:
    response = render(request, "claims/vouchers/verify.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The token is a bearer secret: it must not travel on to other sites as a referrer.
    response["Referrer-Policy"] = "no-referrer"
    return response


@public
@never_cache
@require_GET
def voucher_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public, what the voucher's QR code opens: enough to tell a genuine voucher (masked
    name, number, transaction code, amount, sign-offs) and nothing more. Unknown tokens get
    the same page, so the answer's shape does not help anyone guessing."""
    if not verify_allowed(request):
        response = _verify_response(request, {"state": "limited"}, status=429)
        response["Retry-After"] = str(VERIFY_WINDOW_SECONDS)
        return response
    voucher = (
        ClaimVoucher.objects.select_related("claim__participant").filter(token=token[:40]).first() if token else None
    )
    if voucher is None:
        return _verify_response(request, {"state": "not_found"}, status=404)
    claim = voucher.claim
    signed = sum(1 for at in (claim.services_signed_at, claim.finance_signed_at, claim.branch_signed_at) if at)
    context = {
        "state": "valid",
        "voucher": voucher,
        "claim": claim,
        "masked_name": mask_name(claim.participant.full_name),
        "signed": signed,
        "checked_at": timezone.localtime(),
    }
    return _verify_response(request, context, status=200)
