"""Writes: events, attendance (by list or QR), questionnaires, attributions."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.core import access, events
from lindung.participants.models import Participant
from lindung.regions.models import Region

from .models import Attendee, Attribution, CheckinVia, OutreachEvent, Phase, Question, QuizResponse
from .scoring import score

# How long after an event a registration may still be counted as brought by it.
ATTRIBUTION_DAYS = 60


@dataclass(frozen=True)
class EventInput:
    title: str
    village: Region
    place: str
    starts_at: datetime.datetime
    notes: str = ""
    coordinator: User | None = None  # an administrator names one; a coordinator is it


@transaction.atomic
def event_create(*, actor: Any, data: EventInput) -> OutreachEvent:
    principal = access.principal_of(actor)
    access.require_may(principal, OutreachEvent, "add")
    coordinator = actor if access.acts_for_self(principal) else data.coordinator
    if coordinator is None:
        raise ValidationError({"coordinator": _("Choose the coordinator who runs the event.")})
    event = OutreachEvent(
        title=data.title.strip(),
        village=data.village,
        place=data.place.strip(),
        starts_at=data.starts_at,
        notes=data.notes,
        coordinator=coordinator,
    )
    with events.change("outreach.event_created", actor=actor) as change:
        event.save()
        # The questions in use today are the event's, so later edits never change its scores.
        event.questions.set(Question.objects.filter(active=True))
        change.about(event)
    return event


@transaction.atomic
def attendees_add(*, actor: Any, event: OutreachEvent, lines: str) -> list[Attendee]:
    """Attendance by list: one person a line, "name, phone" (the phone is optional)."""
    access.require(access.principal_of(actor), event, "attend")
    added = []
    bad = []
    for number, line in enumerate(lines.splitlines(), start=1):
        if not line.strip():
            continue
        name, _sep, phone = line.partition(",")
        if not name.strip():
            bad.append(number)
            continue
        added.append(Attendee(event=event, name=name.strip()[:150], phone=phone.strip()[:20], via=CheckinVia.LIST))
    if bad:
        raise ValidationError({"lines": _("Lines %(lines)s have no name.") % {"lines": ", ".join(str(n) for n in bad)}})
    if not added:
        raise ValidationError({"lines": _("Write one person a line: name, phone.")})
    with events.change("outreach.attended", actor=actor, subject=event, count=len(added)):
        Attendee.objects.bulk_create(added)
    return added


def _record_answers(attendee: Attendee, phase: str, answers: dict[str, int]) -> QuizResponse:
    right, total = score(attendee.event.questions.all(), answers)
    try:
        with transaction.atomic():
            return QuizResponse.objects.create(
                attendee=attendee, phase=phase, answers=answers, score=right, total=total
            )
    except IntegrityError as error:
        raise ValidationError(_("These answers were already given.")) from error


@transaction.atomic
def checkin(*, event: OutreachEvent, name: str, phone: str, answers: dict[str, int]) -> Attendee:
    """QR check-in: the person signs in to the event and answers the questions before it."""
    if not name.strip():
        raise ValidationError({"name": _("Write your name.")})
    with events.change("outreach.checked_in", subject=event):
        attendee = Attendee.objects.create(event=event, name=name.strip(), phone=phone.strip(), via=CheckinVia.QR)
        if event.questions.exists():
            _record_answers(attendee, Phase.PRE, answers)
    return attendee


def answers_after(*, attendee: Attendee, answers: dict[str, int]) -> QuizResponse:
    """The questionnaire after the event, from the attendee's own link."""
    return _record_answers(attendee, Phase.POST, answers)


def answers_record(*, actor: Any, attendee: Attendee, phase: str, answers: dict[str, int]) -> QuizResponse:
    """A paper questionnaire typed in by the coordinator."""
    access.require(access.principal_of(actor), attendee, "attend")
    if phase not in Phase.values:
        raise ValidationError(_("Unknown questionnaire."))
    return _record_answers(attendee, phase, answers)


def attribution_candidates(user: Any, event: OutreachEvent) -> list[Participant]:
    """Registrations the user may see, made from the event day until ATTRIBUTION_DAYS
    later, not yet counted for any event."""
    day = timezone.localtime(event.starts_at).date()
    participants = access.scope(access.principal_of(user), Participant.objects.all())
    return list(
        participants.filter(
            registration_date__gte=day,
            registration_date__lte=day + datetime.timedelta(days=ATTRIBUTION_DAYS),
            outreach_attribution__isnull=True,
        )
        .only("pk", "full_name", "registration_date", "village_id")
        .order_by("registration_date", "full_name")[:200]
    )


@transaction.atomic
def attribute(*, actor: Any, event: OutreachEvent, participant_ids: list[int]) -> int:
    principal = access.principal_of(actor)
    access.require(principal, event, "attribute")
    allowed = {p.pk for p in attribution_candidates(actor, event)}
    refused = set(participant_ids) - allowed
    if refused:
        raise ValidationError(_("Some of the chosen people cannot be counted for this event any more."))
    with events.change(
        "outreach.registrations_attributed", actor=actor, subject=event, participant_ids=participant_ids
    ):
        Attribution.objects.bulk_create(
            [Attribution(participant_id=pk, event=event, attributed_by=actor) for pk in participant_ids]
        )
    return len(participant_ids)


@transaction.atomic
def attribution_remove(*, actor: Any, attribution: Attribution) -> None:
    access.require(access.principal_of(actor), attribution, "attribute")
    with events.change(
        "outreach.attribution_removed",
        actor=actor,
        subject=attribution.event,
        participant_ids=[attribution.participant_id],
    ):
        attribution.delete()
