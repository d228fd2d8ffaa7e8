"""An inbound message (WhatsApp webhook, SMS gateway, or the development simulator):
kept once by its provider id, matched to participants by number (Participant.phone is
stored E.164 and indexed), keywords acted on, an automatic answer queued in the outbox,
and everything else left in the staff inbox."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lindung.core.phones import normalize_mobile
from lindung.participants.models import Participant

from ..models import InboundMessage, InboxState
from ..outbox import NewMessage, outbox_enqueue
from .keywords import keyword_for, render_reply, reply_facts, set_contact_consent
from .models import KeywordAction

logger = logging.getLogger(__name__)

# Outbox rows whose stage starts with this answer a message the participant just sent:
# the dispatcher sends them whatever the reminder consent says (someone who wrote STOP
# gets the confirmation, someone who asks SALDO gets the answer).
REPLY_STAGE = "reply:"
INBOX_SOURCE = "inbox"


def normalise_number(raw: str) -> str:
    """E.164 as participants are stored. WhatsApp sends "6281..." without the plus, SMS
    gateways often "0812..."; a number libphonenumber refuses is kept as "+digits" so
    the message is still stored (unmatched) rather than lost."""
    text = str(raw or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    for candidate in (text, "+" + digits):
        try:
            return normalize_mobile(candidate)
        except ValidationError:
            continue
    return ("+" + digits)[:20]


def participants_with_number(number: str) -> list[Participant]:
    return list(Participant.objects.filter(phone=number).select_related("coordinator").order_by("pk")) if number else []


def inbound_receive(
    *, channel: str, message_id: str, from_number: str, text: str, payload: dict[str, object] | None = None
) -> InboundMessage:
    """Store and act on one inbound message; a second delivery of the same id does
    nothing and answers the stored row."""
    number = normalise_number(from_number)
    with transaction.atomic():
        inbound, created = InboundMessage.objects.get_or_create(
            provider_message_id=message_id[:128],
            defaults={"from_number": number, "channel": channel, "text": text, "payload": payload or {}},
        )
        if not created:
            return inbound
        participants = participants_with_number(number)
        inbound.participant = participants[0] if participants else None
        keyword = keyword_for(text)
        inbound.action = "stored"
        if keyword is not None:
            inbound.action = _act(keyword.action, inbound, participants)
            if keyword.reply and inbound.participant is not None:
                _answer(inbound, render_reply(keyword.reply, reply_facts(inbound.participant)))
                inbound.action = inbound.action if inbound.action != "stored" else "answered"
            if inbound.participant is not None:
                # Handled without anyone: kept in the inbox's "done" list for the record.
                inbound.state, inbound.done_at = InboxState.DONE, timezone.now()
        inbound.save(update_fields=["participant", "action", "state", "done_at"])
    if inbound.action in ("opt_out", "opt_in"):
        logger.info("%s by reply (inbound %s, %s participants)", inbound.action, inbound.pk, len(participants))
    return inbound


def _act(action: str, inbound: InboundMessage, participants: list[Participant]) -> str:
    evidence = f"{inbound.get_channel_display()} reply, inbound message {inbound.pk}: {inbound.text[:200]}"
    if action == KeywordAction.OPT_OUT:
        # Every participant with this number: a shared family phone that says stop, stops.
        for participant in participants:
            set_contact_consent(participant, given=False, method="reply_stop", evidence=evidence)
        return "opt_out"
    if action == KeywordAction.OPT_IN:
        for participant in participants:
            set_contact_consent(participant, given=True, method="reply_start", evidence=evidence)
        return "opt_in"
    return "stored"


def _answer(inbound: InboundMessage, text: str) -> None:
    outbox_enqueue(
        actor=None,
        source=INBOX_SOURCE,
        messages=[
            NewMessage(
                participant_id=inbound.participant_id or 0,
                channel=inbound.channel,
                stage=f"{REPLY_STAGE}{inbound.pk}",
                body=text,
            )
        ],
    )
