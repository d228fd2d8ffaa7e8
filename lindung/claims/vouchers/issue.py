"""Issuing the voucher: when a claim is paid, the amount is frozen on a ClaimVoucher in
the same transaction as the move (a synchronous subscriber of ``claim.status_changed``),
so a paid claim without its voucher cannot be committed."""

from django.utils import timezone, translation

from lindung.core import events

from ..claim import Claim, ClaimStatus
from ..rules_engine import benefit
from .models import ClaimVoucher


def voucher_number(claim: Claim) -> str:
    return f"V-{timezone.localdate().year}-{claim.pk:07d}"


def voucher_issue(claim: Claim, actor_id: int | None) -> ClaimVoucher:
    """The claim's voucher, made once (a second payment of the same claim cannot happen:
    the workflow has no way back to approved)."""
    existing = ClaimVoucher.objects.filter(claim=claim).first()
    if existing is not None:
        return existing
    day = claim.submitted_on or timezone.localdate()
    # The voucher is an Indonesian document whatever the officer's language.
    with translation.override("id"):
        answer = benefit(claim.participant, claim.facts(), day)
        lines = [
            {"label": str(line.label), "amount": line.amount, "legal_basis": line.legal_basis} for line in answer.lines
        ]
    return ClaimVoucher.objects.create(
        claim=claim,
        number=voucher_number(claim),
        amount=answer.amount,
        monthly=answer.monthly,
        lines=lines,
        issued_by_id=actor_id,
    )


def _on_paid(event: events.Event) -> None:
    if event.facts.get("target") != ClaimStatus.PAID or event.subject_id is None:
        return
    claim = Claim.objects.select_related("participant").get(pk=event.subject_id)
    voucher_issue(claim, event.actor_id)


def register() -> None:
    events.subscribe("claims.voucher_issue", ["claim.status_changed"], events.after(_on_paid), order=55)
