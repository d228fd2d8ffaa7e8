"""Age outreach reminders (claims CLM-9): claims cannot import messaging (it sits below
it), so it emits ``claim.outreach_reminder`` and this subscriber writes the outbox rows
in the same transaction. One message per participant, program and month (the outbox's
dedupe key), sent by the dispatcher with the usual consent and phone checks."""

import datetime

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from lindung.core import events
from lindung.core.events import Event
from lindung.participants.models import Participant

from .models import Channel
from .outbox import NewMessage, outbox_enqueue

KIND = "claim.outreach_reminder"


def reminder_text(name: str, program: str, reaches_on: datetime.date, today: datetime.date) -> str:
    # Reminders go out in Indonesian, the participants' language.
    with translation.override("id"):
        when = formats.date_format(reaches_on, "j F Y")
        if program == "jp":
            lead = (
                _("Dear %(name)s, you reached the JP pension age on %(day)s.")
                if reaches_on <= today
                else _("Dear %(name)s, you reach the JP pension age on %(day)s.")
            )
            rest = _("You can claim your pension at the BPJS Ketenagakerjaan branch or through your coordinator.")
        else:
            lead = (
                _("Dear %(name)s, you reached the JHT age on %(day)s.")
                if reaches_on <= today
                else _("Dear %(name)s, you reach the JHT age on %(day)s.")
            )
            rest = _(
                "Your JHT savings can be paid out: claim in the JMO app or ask your coordinator. "
                "Bring your KTP, family card, membership card and bank book."
            )
        return f"{lead % {'name': name, 'day': when}} {rest}"


def _enqueue(event: Event) -> None:
    program = str(event.facts.get("program", "jht"))
    month = str(event.facts.get("month", ""))
    reaches = event.facts.get("reaches_on", {})
    today = timezone.localdate()
    names = dict(Participant.objects.filter(pk__in=event.participant_ids).values_list("pk", "full_name"))
    messages = [
        NewMessage(
            participant_id=pk,
            channel=Channel.WHATSAPP,
            stage=f"claim_outreach_{program}_{month}",
            body=reminder_text(names.get(pk, ""), program, datetime.date.fromisoformat(reaches[str(pk)]), today),
        )
        for pk in event.participant_ids
        if str(pk) in reaches
    ]
    # The claims service already checked the actor and the scope: the outbox is written as the system.
    outbox_enqueue(actor=None, messages=messages, source=f"claim_outreach:{month}")


def register() -> None:
    events.subscribe("messaging.claim_outreach", [KIND], events.after(_enqueue))
