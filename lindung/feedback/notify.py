"""Telling the person that staff answered their ticket (SELF-5). After the reply commits,
one short message goes to the phone on the ticket (or, for a participant's ticket, the
participant's phone on record) through the messaging providers, WhatsApp first and SMS
as fallback, like the sign-in codes: the person asked us something and waits for the
answer, so no consent for reminders is needed, and a public ticket has no participant
the reminder outbox could name. The message carries the ticket's page, whose unguessable
number is the key; the answer itself is read there, never sent in full."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lindung.core import events
from lindung.core.phones import normalize_mobile
from lindung.selfservice.sending import Text, send_text

from .models import Ticket

logger = logging.getLogger(__name__)
TEMPLATE = "lindung_pengaduan_dijawab"  # the approved WhatsApp template: number, link


def phone_of(ticket: Ticket) -> str:
    raw = ticket.phone or (ticket.participant.phone if ticket.participant_id and ticket.participant else "")
    try:
        return normalize_mobile(raw)
    except ValidationError:  # a landline or a typo on a public ticket: nothing to send to
        return ""


def answer_notice(ticket: Ticket) -> Text:
    site = str(settings.LINDUNG_MESSAGING.get("SITE_URL", "")).rstrip("/")
    link = site + reverse("feedback:followed", args=[ticket.number])
    with translation.override("id"):
        body = _("BPJS Ketenagakerjaan (Lindung): your ticket %(number)s has an answer. Read it at %(link)s") % {
            "number": ticket.display_number,
            "link": link,
        }
    return Text(template=TEMPLATE, params=(ticket.display_number, link), body=body)


def _tell_the_person(event: events.Event) -> None:
    if not event.facts.get("from_staff") or event.subject_id is None:
        return
    ticket_id = event.subject_id

    def send() -> None:
        ticket = Ticket.objects.select_related("participant").filter(pk=ticket_id).first()
        if ticket is None:
            return
        to = phone_of(ticket)
        if not to:
            logger.info("feedback: ticket %s has no mobile number to tell", ticket.pk)
            return
        if not send_text(to, answer_notice(ticket)):
            logger.warning("feedback: no provider took the answer notice of ticket %s", ticket.pk)

    transaction.on_commit(send)


def register() -> None:
    events.subscribe("feedback.answer_notice", ["ticket.replied"], events.after(_tell_the_person))
