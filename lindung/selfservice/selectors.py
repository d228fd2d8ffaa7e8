"""What a signed-in participant reads about themselves. Every query goes through
core.access with the participant principal (scope / get_or_404), so another
participant's rows are out of reach by construction, not by a check in a view."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from lindung.billing.models import Bill, Payment, PaymentMethod
from lindung.billing.selectors import Standing, participant_standing
from lindung.cards.models import MembershipCard
from lindung.claims.models import Claim, ClaimStatus
from lindung.contributions.calculator import Calculation, participant_contribution
from lindung.contributions.selectors import Enrolment, participant_programs_on
from lindung.core import access
from lindung.messaging.models import OutboxMessage
from lindung.participants.models import Participant

from .models import CorrectionRequest, ParticipantSession, RegistrationStatus, SelfRegistration


def own_participant(user: Any) -> Participant:
    principal = access.principal_of(user)
    return access.get_or_404(
        principal,
        Participant.objects.select_related("village", "district", "coordinator"),
        pk=principal.participant_id,
    )


@dataclass(frozen=True)
class Overview:
    participant: Participant
    enrolment: Enrolment
    monthly: Calculation | None  # None when no income is declared yet
    standing: Standing
    has_card: bool


def own_overview(user: Any, on: datetime.date | None = None) -> Overview:
    on = on or timezone.localdate()
    participant = own_participant(user)
    try:
        monthly: Calculation | None = participant_contribution(participant, on)
    except ValidationError:
        monthly = None
    return Overview(
        participant=participant,
        enrolment=participant_programs_on(participant, on),
        monthly=monthly,
        standing=participant_standing(participant, on),
        has_card=own_live_card(user) is not None,
    )


def own_bills(user: Any, limit: int = 24) -> list[Bill]:
    rows = access.scope(access.principal_of(user), Bill.objects.all())
    return list(rows.order_by("-month", "-id")[:limit])


def own_open_bills(user: Any) -> QuerySet[Bill]:
    rows = access.scope(access.principal_of(user), Bill.objects.filter(settled_on__isnull=True))
    return rows.order_by("month")


def own_payments(user: Any, limit: int = 24) -> list[Payment]:
    rows = access.scope(access.principal_of(user), Payment.objects.select_related("method"))
    return list(rows.order_by("-paid_on", "-id")[:limit])


def own_claims(user: Any) -> list[Claim]:
    # Drafts are the coordinator's work in progress, not yet a claim.
    rows = access.scope(access.principal_of(user), Claim.objects.exclude(status=ClaimStatus.DRAFT))
    return list(rows.order_by("-created_at", "-id")[:50])


def own_messages(user: Any, limit: int = 50) -> list[OutboxMessage]:
    rows = access.scope(access.principal_of(user), OutboxMessage.objects.all())
    return list(rows.order_by("-id")[:limit])


def own_corrections(user: Any) -> list[CorrectionRequest]:
    rows = access.scope(access.principal_of(user), CorrectionRequest.objects.select_related("decided_by"))
    return list(rows.order_by("-created_at", "-id")[:50])


def own_live_card(user: Any) -> MembershipCard | None:
    rows = access.scope(access.principal_of(user), MembershipCard.objects.filter(revoked_at__isnull=True))
    return rows.first()


def payment_methods(user: Any) -> QuerySet[PaymentMethod]:
    return access.scope(access.principal_of(user), PaymentMethod.objects.filter(is_active=True)).order_by("name")


def own_session(user: Any, session_id: int) -> ParticipantSession:
    return access.get_or_404(access.principal_of(user), ParticipantSession.objects.all(), "revoke", pk=session_id)


# --- Staff: the verification and correction queues ---------------------------------


def registration_queue(user: Any) -> QuerySet[SelfRegistration]:
    rows = SelfRegistration.objects.filter(status=RegistrationStatus.PENDING).select_related("village", "coordinator")
    return access.scope(access.principal_of(user), rows).order_by("created_at", "id")


def registration_get(user: Any, pk: int) -> SelfRegistration:
    rows = SelfRegistration.objects.select_related("village", "village__parent", "coordinator", "reviewed_by")
    return access.get_or_404(access.principal_of(user), rows, pk=pk)


def correction_queue(user: Any) -> QuerySet[CorrectionRequest]:
    rows = CorrectionRequest.objects.filter(status="pending").select_related("participant")
    return access.scope(access.principal_of(user), rows).order_by("created_at", "id")


def correction_get(user: Any, pk: int) -> CorrectionRequest:
    rows = CorrectionRequest.objects.select_related("participant", "decided_by")
    return access.get_or_404(access.principal_of(user), rows, pk=pk)
