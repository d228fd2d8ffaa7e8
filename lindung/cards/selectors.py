from typing import Any

from lindung.participants.models import Participant
from lindung.participants.selectors import participant_get_for_user

from .coverage import with_valid_through
from .models import MembershipCard


def card_participant_for_user(user: Any, participant_pk: int) -> Participant:
    """The participant whose card the user may print; 404 when missing or not theirs."""
    return participant_get_for_user(user, participant_pk)


def card_live_for(participant: Participant) -> MembershipCard | None:
    return (
        MembershipCard.objects.select_related("issued_by")
        .filter(participant=participant, revoked_at__isnull=True)
        .first()
    )


def card_for_token(token: str) -> MembershipCard | None:
    """Public lookup by token. Reads only what the verification page may show, so the
    NIK, KPJ, address and phone never leave the database on this path."""
    return (
        with_valid_through(MembershipCard.objects.select_related("participant"))
        .only("token", "revoked_at", "participant__full_name", "participant__status")
        .filter(token=token)
        .first()
    )
