"""Issuing cards. The acting user is checked against the participant's scope, and is
recorded on the card row (issued_by / revoked_by) as its audit trail."""

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from lindung.accounts.models import User
from lindung.core.scoping import scope_queryset
from lindung.participants.models import Participant

from .models import MembershipCard

# 16 random bytes (128 bits), 22 URL-safe characters: far beyond guessing at any rate limit.
TOKEN_BYTES = 16


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _lock_in_scope(actor: User, participant: Participant) -> None:
    """Check the actor may act on the participant, and lock the row so two concurrent
    issues cannot both leave a live card."""
    locked = scope_queryset(actor, Participant.objects.select_for_update().filter(pk=participant.pk))
    if not locked.exists():
        raise PermissionDenied


@transaction.atomic
def card_issue(*, actor: User, participant: Participant) -> MembershipCard:
    """A new card; any live card of this participant is revoked (lost or damaged card),
    so its QR code stops verifying."""
    _lock_in_scope(actor, participant)
    now = timezone.now()
    MembershipCard.objects.filter(participant=participant, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor
    )
    return MembershipCard.objects.create(participant=participant, token=new_token(), issued_at=now, issued_by=actor)


@transaction.atomic
def card_ensure(*, actor: User, participant: Participant) -> MembershipCard:
    """The live card, issued now if the participant has none: reprinting the same card
    keeps its QR code valid."""
    _lock_in_scope(actor, participant)
    live = MembershipCard.objects.filter(participant=participant, revoked_at__isnull=True).first()
    if live is not None:
        return live
    return MembershipCard.objects.create(participant=participant, token=new_token(), issued_by=actor)
