"""Writes: filing a ticket (routed at once), replies, status moves on the machine."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.core import access, events
from lindung.participants.models import Participant
from lindung.regions.models import Region

from .models import FeedbackCategory, Ticket, TicketReply, TicketStatus
from .selectors import route
from .states import ticket_machine


@dataclass(frozen=True)
class TicketInput:
    category: FeedbackCategory
    subject: str
    message: str
    name: str = ""
    phone: str = ""
    email: str = ""
    village: Region | None = None


def _participant_of(principal: access.Principal) -> Participant | None:
    if principal.kind != access.Kind.PARTICIPANT or principal.participant_id is None:
        return None
    return access.get_or_404(principal, Participant.objects.select_related("coordinator"), pk=principal.participant_id)


@transaction.atomic
def ticket_file(*, user: Any, data: TicketInput) -> Ticket:
    """File a ticket from the public page or a participant's session."""
    principal = access.principal_of(user)
    participant = _participant_of(principal)
    if participant is None and not (data.phone or data.email):
        raise ValidationError({"phone": _("Give a phone number or an email address, so we can answer you.")})
    if not data.category.active:
        raise ValidationError({"category": _("This category is no longer offered; choose another.")})
    now = timezone.now()
    village = data.village or (participant.village if participant is not None else None)
    ticket = Ticket(
        category=data.category,
        subject=data.subject.strip(),
        message=data.message.strip(),
        name=data.name.strip() or (participant.full_name if participant else ""),
        phone=data.phone.strip(),
        email=data.email.strip(),
        participant=participant,
        village=village,
        coordinator=route(participant, village),
        answer_due=now + datetime.timedelta(hours=data.category.answer_within_hours),
    )
    with events.change(
        "ticket.filed",
        participant_ids=[participant.pk] if participant else [],
        category=data.category.code,
    ) as event:
        ticket.save()
        event.about(ticket)
        event.facts["routed_to"] = ticket.coordinator_id
    return ticket


@transaction.atomic
def staff_reply(*, actor: Any, ticket: Ticket, body: str) -> TicketReply:
    """A staff answer: the first one stops the SLA clock; an open ticket becomes answered."""
    principal = access.principal_of(actor)
    access.require(principal, ticket, "reply")
    if not body.strip():
        raise ValidationError({"body": _("Write the reply.")})
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    with events.change("ticket.replied", actor=actor, subject=ticket, from_staff=True) as event:
        reply = TicketReply.objects.create(ticket=ticket, from_staff=True, author=actor, body=body.strip())
        if ticket.first_answered_at is None:
            ticket.first_answered_at = reply.created_at
            ticket.save(update_fields=["first_answered_at", "updated_at"])
        event.facts["reply"] = reply.pk
    if ticket.status in (TicketStatus.OPEN, TicketStatus.IN_PROGRESS):
        ticket_machine.move(ticket, "answer", actor=actor)
    return reply


@transaction.atomic
def person_reply(*, user: Any, ticket: Ticket, body: str) -> TicketReply:
    """The person's reply: a signed-in participant's own ticket, or anyone holding the
    number (the view found the ticket by it). It reopens an answered or closed ticket."""
    principal = access.principal_of(user)
    if principal.kind == access.Kind.PARTICIPANT:
        access.require(principal, ticket, "reply")
    if not body.strip():
        raise ValidationError({"body": _("Write your message.")})
    with events.change("ticket.replied", subject=ticket, from_staff=False) as event:
        reply = TicketReply.objects.create(ticket=ticket, from_staff=False, body=body.strip())
        event.facts["reply"] = reply.pk
    if ticket.status in (TicketStatus.ANSWERED, TicketStatus.CLOSED):
        # The number proved who writes; the move is the system's on their behalf.
        ticket_machine.move(ticket, "reopen", actor=None, reason=_("New message from the person"))
    return reply


def ticket_move(*, actor: Any, ticket: Ticket, name: str, reason: str = "") -> Ticket:
    if name not in ticket_machine.transitions:
        raise ValidationError(_("Unknown step."))
    return ticket_machine.move(ticket, name, actor=actor, reason=reason)
