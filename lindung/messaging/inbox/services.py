"""What staff do in the inbox: answer, assign, mark done, reopen. Every write checks the
principal against InboundMessage.ACCESS; state changes go through inbox/states.py."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import Role, User
from lindung.core import access, events

from ..models import Channel, InboundMessage, InboxState, OutboxMessage
from ..outbox import NewMessage, outbox_enqueue
from .receive import INBOX_SOURCE, REPLY_STAGE
from .states import machine

# WhatsApp lets a business answer in free text for 24 hours after the person's last
# message (the customer service window); after that only an approved template.
SERVICE_WINDOW = timedelta(hours=24)


def last_inbound(inbound: InboundMessage) -> InboundMessage:
    return InboundMessage.objects.filter(from_number=inbound.from_number, channel=inbound.channel).latest("id")


def window_open(inbound: InboundMessage) -> bool:
    """Free text allowed now? Always by SMS; on WhatsApp within 24 h of their last message."""
    if inbound.channel != Channel.WHATSAPP:
        return True
    return timezone.now() - last_inbound(inbound).received_at < SERVICE_WINDOW


def reply_template() -> tuple[str, str]:
    """The approved WhatsApp template (name, language) that carries a staff answer once
    the window has closed; its one body parameter is the answer."""
    config = settings.LINDUNG_MESSAGING.get("REPLY_TEMPLATE") or {}
    return str(config.get("name") or "lindung_balasan"), str(config.get("language") or "id")


def assignable_users(inbound: InboundMessage) -> list[User]:
    """Whom a conversation can go to: administrators and the participant's coordinator."""
    who = Q(role=Role.ADMIN)
    if inbound.participant is not None and inbound.participant.coordinator_id:
        who |= Q(pk=inbound.participant.coordinator_id)
    return list(User.objects.filter(who, is_active=True).order_by("first_name", "username"))


def replies_of(inbound: InboundMessage) -> list[OutboxMessage]:
    """Answers already queued or sent for this conversation (automatic and by staff)."""
    if inbound.participant_id is None:
        return []
    return list(
        OutboxMessage.objects.filter(participant_id=inbound.participant_id, stage__startswith=REPLY_STAGE).order_by(
            "id"
        )
    )


@transaction.atomic
def inbox_reply(*, actor: User, inbound: InboundMessage, text: str) -> OutboxMessage:
    """Answer a participant: free text inside the window, else through the reply template.
    Refused (with why) for a number that belongs to no participant, or an empty answer."""
    access.require(access.principal_of(actor), inbound, "reply")
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write an answer.")})
    if len(text) > 1000:
        raise ValidationError({"text": _("An answer has at most 1,000 characters.")})
    if inbound.participant_id is None:
        raise ValidationError(_("This number belongs to no participant: there is nobody to answer."))
    free = window_open(inbound)
    template, language = ("", "id") if free else reply_template()
    n = OutboxMessage.objects.filter(
        participant_id=inbound.participant_id, stage__startswith=f"{REPLY_STAGE}{inbound.pk}"
    ).count()
    stage = f"{REPLY_STAGE}{inbound.pk}:{n + 1}"
    message = NewMessage(
        participant_id=inbound.participant_id,
        channel=inbound.channel,
        stage=stage,
        body=text if free else "",
        template=template,
        language=language,
        params=() if free else (text,),
    )
    # The reply permission was checked above; the outbox write is the system's.
    outbox_enqueue(actor=None, source=INBOX_SOURCE, messages=[message])
    row = OutboxMessage.objects.get(participant_id=inbound.participant_id, stage=stage, channel=inbound.channel)
    events.emit(
        "messaging.inbox_replied",
        actor=actor,
        subject=inbound,
        participant_ids=[inbound.participant_id],
        outbox_id=row.pk,
        template=template,
    )
    if inbound.state == InboxState.NEW:
        inbox_assign(actor=actor, inbound=inbound, to=actor)
    return row


@transaction.atomic
def inbox_assign(*, actor: User, inbound: InboundMessage, to: User) -> InboundMessage:
    if to.pk not in {u.pk for u in assignable_users(inbound)}:
        raise ValidationError({"assigned_to": _("Assign to an administrator or the participant's coordinator.")})

    def save(obj: InboundMessage) -> None:
        obj.assigned_to = to
        obj.save(update_fields=["state", "assigned_to"])

    return machine.move(inbound, "assign", actor=actor, save=save)


@transaction.atomic
def inbox_done(*, actor: User, inbound: InboundMessage) -> InboundMessage:
    def save(obj: InboundMessage) -> None:
        obj.done_at, obj.done_by = timezone.now(), actor
        obj.save(update_fields=["state", "done_at", "done_by"])

    return machine.move(inbound, "done", actor=actor, save=save)


@transaction.atomic
def inbox_reopen(*, actor: User, inbound: InboundMessage) -> InboundMessage:
    def save(obj: InboundMessage) -> None:
        obj.done_at, obj.done_by = None, None
        obj.save(update_fields=["state", "done_at", "done_by"])

    return machine.move(inbound, "reopen", actor=actor, save=save)
