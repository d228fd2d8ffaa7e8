"""What messaging keeps from other apps' domain events."""

from django.utils import timezone

from lindung.core import events
from lindung.core.events import Event

from . import claims_outreach
from .consent import ledger_add
from .models import ConsentRecord, ConsentScope

CONSENT_KINDS = ("participant.consent_given", "participant.consent_withdrawn")


def _keep_consent(event: Event) -> None:
    # Synchronous, in the writer's transaction: see consent.py for why. Written directly
    # (not through consent_record): the participants service already checked the actor.
    given = event.kind == "participant.consent_given"
    ledger_add(
        [
            ConsentRecord(
                participant_id=participant_id,
                channel=ConsentScope.ALL,
                given=given,
                at=timezone.now(),
                method=str(event.facts.get("method") or "")[:30],
                recorded_by_id=event.actor_id,
                # A STOP/MULAI reply names the message it came from; the form names nothing.
                evidence=str(event.facts.get("evidence") or "participant record"),
            )
            for participant_id in event.participant_ids
        ]
    )


def register() -> None:
    events.subscribe("messaging.consent", CONSENT_KINDS, events.after(_keep_consent))
    claims_outreach.register()
