"""Feedback and complaints (SELF-5): a ticket with an unguessable number, a category whose
answer target (SLA) is data, a status on a state machine, and replies."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule

# 32 letters and digits without look-alikes (0/O, 1/I): 12 of them are 60 random bits,
# so a number cannot be guessed or walked; it is the key to follow the ticket.
NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
NUMBER_LENGTH = 12


def new_ticket_number() -> str:
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


def normalise_number(text: str) -> str:
    """What a person types ("k7qm-4xpa 92rd") as stored ("K7QM4XPA92RD")."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


class FeedbackCategory(models.Model):
    ACCESS = Rule(shared=True, public=frozenset({"view"}), actions={Kind.ADMIN: ALL})

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    answer_within_hours = models.PositiveIntegerField(
        _("first answer within (hours)"), help_text=_("The service target (SLA) for this category.")
    )
    basis = models.CharField(_("where the target comes from"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("feedback category")
        verbose_name_plural = _("feedback categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "id").startswith("en") else self.name_id


class TicketStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    IN_PROGRESS = "in_progress", _("Being looked into")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


STAFF_ACTIONS = frozenset({"view", "reply", "start", "answer", "close", "reopen"})


class Ticket(models.Model):
    ACCESS = Rule(
        coordinator="coordinator",
        participant="participant",
        actions={
            Kind.ADMIN: ALL,
            Kind.COORDINATOR: STAFF_ACTIONS,
            Kind.PARTICIPANT: frozenset({"view", "reply", "reopen", "close"}),
        },
    )

    number = models.CharField(_("ticket number"), max_length=NUMBER_LENGTH, unique=True, default=new_ticket_number)
    category = models.ForeignKey(FeedbackCategory, verbose_name=_("about"), on_delete=models.PROTECT)
    status = models.CharField(_("status"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.OPEN)
    subject = models.CharField(_("subject"), max_length=150)
    message = models.TextField(_("message"), max_length=4000)
    name = models.CharField(_("your name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Whom it is routed to; empty means the administrators' queue.
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    answer_due = models.DateTimeField(_("answer due"))
    first_answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["answer_due"]
        indexes = [
            models.Index(fields=["coordinator", "status", "answer_due"], name="ticket_queue"),
            models.Index(fields=["participant", "created_at"], name="ticket_participant"),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return "-".join(self.number[i : i + 4] for i in range(0, len(self.number), 4))


class TicketReply(models.Model):
    ACCESS = Rule(
        coordinator="ticket__coordinator",
        participant="ticket__participant",
        actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"}), Kind.PARTICIPANT: frozenset({"view"})},
    )

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="replies")
    from_staff = models.BooleanField(_("from the staff"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("reply"), max_length=4000)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket} #{self.pk}"
