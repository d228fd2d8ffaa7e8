"""Writes of the age outreach: a contact logged by hand, and reminders queued for the
messaging app. Claims sits below messaging in the layers, so the reminder is a domain
event (``claim.outreach_reminder``) that messaging turns into outbox rows in the same
transaction (messaging/claims_outreach.py); the contact row is written alongside."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.core import access, events
from lindung.participants.models import Participant

from .models import OUTREACH_PROGRAMS, ContactMethod, Outcome, OutreachContact
from .selectors import AgeRules

MAX_REMINDERS = 500


@transaction.atomic
def outreach_contact_log(
    *, actor: Any, participant: Participant, program: str, data: Mapping[str, Any]
) -> OutreachContact:
    principal = access.principal_of(actor)
    access.require_may(principal, OutreachContact, "add", _("You may not log outreach contacts."))
    if not access.permits(principal, participant, "view"):
        raise PermissionDenied(_("You may not log contacts for this participant."))
    if program not in OUTREACH_PROGRAMS:
        raise ValidationError(_("Outreach is for JHT and JP."))
    next_date = data.get("next_date")
    if next_date is not None and next_date < timezone.localdate():
        raise ValidationError({"next_date": _("The next step cannot be in the past.")})
    contact = OutreachContact(
        participant=participant,
        program=program,
        method=data["method"],
        outcome=data["outcome"],
        next_step=(data.get("next_step") or "").strip(),
        next_date=next_date,
        note=(data.get("note") or "").strip(),
        contacted_at=timezone.now(),
        contacted_by=actor,
    )
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def outreach_remind(*, actor: Any, participant_ids: Iterable[int], program: str, today: datetime.date) -> int:
    """Queue a reminder to each participant (in scope) and log it; how many were queued.
    The outbox keys the message by participant and month, so a second press in the same
    month sends nothing twice."""
    principal = access.principal_of(actor)
    access.require_may(principal, OutreachContact, "add", _("You may not send outreach reminders."))
    if program not in OUTREACH_PROGRAMS:
        raise ValidationError(_("Outreach is for JHT and JP."))
    wanted = sorted({int(pk) for pk in participant_ids})
    if not wanted:
        raise ValidationError(_("Choose at least one participant."))
    if len(wanted) > MAX_REMINDERS:
        raise ValidationError(_("At most %(n)s reminders at a time.") % {"n": MAX_REMINDERS})
    people = list(access.scope(principal, Participant.objects.filter(pk__in=wanted), "view"))
    if len(people) != len(wanted):
        raise PermissionDenied(_("You may not message some of these participants."))
    now = timezone.now()
    rules = AgeRules(program)
    reaches = {str(p.pk): rules.reaches_on(p.birth_date, today).isoformat() for p in people}
    with events.change(
        "claim.outreach_reminder",
        actor=actor,
        participant_ids=wanted,
        program=program,
        month=today.strftime("%Y-%m"),
        reaches_on=reaches,
    ):
        OutreachContact.objects.bulk_create(
            OutreachContact(
                participant=p,
                program=program,
                method=ContactMethod.MESSAGE,
                outcome=Outcome.QUEUED,
                contacted_at=now,
                contacted_by=actor,
            )
            for p in people
        )
    return len(people)
