import datetime
from typing import Any

from lindung.accounts.models import Duty, Role
from lindung.claims.claim import Claim, ClaimProgram
from lindung.claims.facts import JhtReason
from lindung.claims.services import claim_draft
from lindung.core.tests.factories import UserFactory
from lindung.participants.tests.factories import ParticipantFactory


def officer(*duties: str) -> Any:
    user = UserFactory(role=Role.OFFICER)
    user.duties.add(*Duty.objects.filter(code__in=duties))
    return user


def jht_claim(coordinator: Any, **facts: Any) -> Claim:
    """A JHT claim at 56 for a participant of ``coordinator``, ready to submit."""
    participant = ParticipantFactory(coordinator=coordinator, birth_date=datetime.date(1960, 1, 1))
    values = {
        "jht_reason": JhtReason.AGE_56,
        "balance": 12_000_000,
        "bank_account_holder": participant.full_name,
        "bank_account_number": "1234567890",
        **facts,
    }
    return claim_draft(actor=coordinator, participant=participant, program=ClaimProgram.OLD_AGE, facts=values)
