"""The participant page belongs to another app; this tag lets its billing section fetch
its own data (standing, open bills, recent payments) without that view knowing billing."""

from typing import Any

from django import template

from lindung.billing import selectors

register = template.Library()


@register.inclusion_tag("billing/payment_participant_block.html", takes_context=True)
def participant_billing(context: template.Context, participant: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    just_paid = None
    raw = request.GET.get("paid", "") if request is not None else ""
    if raw.isdigit():
        # Scoped like every read: someone else's payment id in the URL shows nothing.
        just_paid = (
            selectors.payments_visible_to(user)
            .filter(pk=int(raw), participant=participant)
            .only("pk", "receipt_number")
        ).first()
    return {
        "request": request,
        "participant": participant,
        "standing": selectors.participant_standing(participant),
        "open_bills": list(selectors.participant_open_bills(participant)),
        "payments": selectors.participant_recent_payments(participant),
        "just_paid": just_paid,
    }
