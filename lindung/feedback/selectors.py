"""Reads: routing a new ticket, the staff queue with its ageing, following a ticket."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import Role, User
from lindung.core import access
from lindung.participants.models import Participant
from lindung.regions.models import Region

from .models import Ticket, TicketStatus, normalise_number

DUE_SOON = datetime.timedelta(hours=24)


def route(participant: Participant | None, village: Region | None) -> User | None:
    """Who answers: the participant's coordinator; else the coordinator with most
    participants in the village; else one working in its district; else the admins (None)."""
    if participant is not None and participant.coordinator_id:
        return participant.coordinator
    if village is None:
        return None
    busiest = (
        Participant.objects.filter(village=village, coordinator__is_active=True)
        .values("coordinator")
        .annotate(n=Count("pk"))
        .order_by("-n", "coordinator")
        .first()
    )
    if busiest and busiest["coordinator"]:
        return User.objects.get(pk=busiest["coordinator"])
    return (
        User.objects.filter(role=Role.COORDINATOR, is_active=True, district_id=village.parent_id).order_by("pk").first()
    )


@dataclass(frozen=True)
class Ageing:
    key: str  # on_time, due_soon, overdue, answered, answered_late
    label: str
    age: datetime.timedelta


AGEING_LABELS = {
    "on_time": _("Within the target"),
    "due_soon": _("Due within a day"),
    "overdue": _("Past the target"),
    "answered": _("Answered in time"),
    "answered_late": _("Answered late"),
}


def ageing(ticket: Ticket, now: datetime.datetime | None = None) -> Ageing:
    """How the ticket stands against its category's answer target."""
    now = now or timezone.now()
    if ticket.first_answered_at is not None:
        key = "answered" if ticket.first_answered_at <= ticket.answer_due else "answered_late"
        return Ageing(key, str(AGEING_LABELS[key]), ticket.first_answered_at - ticket.created_at)
    if now > ticket.answer_due:
        key = "overdue"
    elif ticket.answer_due - now <= DUE_SOON:
        key = "due_soon"
    else:
        key = "on_time"
    return Ageing(key, str(AGEING_LABELS[key]), now - ticket.created_at)


def age_text(age: datetime.timedelta) -> str:
    hours = int(age.total_seconds() // 3600)
    return f"{hours // 24} d {hours % 24} h" if hours >= 24 else f"{hours} h"


def queue(user: Any, *, status: str = "", category: str = "") -> QuerySet[Ticket]:
    """The tickets this user may see, the ones waiting longest against their target first."""
    tickets = access.scope(access.principal_of(user), Ticket.objects.select_related("category", "coordinator"))
    if status == "waiting" or not status:
        tickets = tickets.filter(status__in=[TicketStatus.OPEN, TicketStatus.IN_PROGRESS])
    elif status in TicketStatus.values:
        tickets = tickets.filter(status=status)
    if category:
        tickets = tickets.filter(category__code=category)
    return tickets.order_by("answer_due", "pk")


def ticket_for_staff(user: Any, pk: int) -> Ticket:
    return access.get_or_404(
        access.principal_of(user), Ticket.objects.select_related("category", "coordinator", "participant"), pk=pk
    )


def ticket_by_number(number: str) -> Ticket | None:
    """The ticket whose number this is (the number is the key: no other check)."""
    cleaned = normalise_number(number)
    if not cleaned:
        return None
    return Ticket.objects.select_related("category").filter(number=cleaned).first()


def tickets_of_participant(user: Any) -> QuerySet[Ticket]:
    principal = access.principal_of(user)
    if principal.kind != access.Kind.PARTICIPANT:
        return Ticket.objects.none()
    return access.scope(principal, Ticket.objects.select_related("category")).order_by("-created_at")
