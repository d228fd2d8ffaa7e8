"""Who handles a claim: the first branch officer who acts on it becomes its officer in
charge, so the dashboard can count each officer's work without reading the history."""

from django.contrib.auth import get_user_model

from lindung.accounts.models import Role
from lindung.core import events

from ..claim import Claim


def assign_officer(claim_id: int, user_id: int | None) -> None:
    """Set the officer in charge unless there is one; only officers take the role."""
    if user_id is None or not get_user_model().objects.filter(pk=user_id, role=Role.OFFICER).exists():
        return
    Claim.objects.filter(pk=claim_id, officer__isnull=True).update(officer_id=user_id)


def _on_claim_work(event: events.Event) -> None:
    if event.subject_type == "claims.claim" and event.subject_id is not None:
        assign_officer(event.subject_id, event.actor_id)


def register() -> None:
    events.subscribe(
        "claims.officer_in_charge",
        ["claim.status_changed", "claim.document_uploaded", "claim.document_reviewed", "claim.mismatch_overridden"],
        events.after(_on_claim_work),
        order=61,
    )
