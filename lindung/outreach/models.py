"""Outreach events (sosialisasi, SELF-6): who came, what they knew before and after
(questions as data), and which registrations the event brought."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule

COORDINATOR_ACTIONS = frozenset({"view", "add", "change", "attend", "attribute"})


def new_code() -> str:
    return secrets.token_urlsafe(16)


class Question(models.Model):
    """A multiple-choice question asked before and after an event; editable as data."""

    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"})})

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_id = models.CharField(_("question (Indonesian)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300)
    choices_id = models.JSONField(_("answers (Indonesian)"), help_text=_('A list of answers, e.g. ["Ya", "Tidak"].'))
    choices_en = models.JSONField(_("answers (English)"))
    correct = models.PositiveSmallIntegerField(_("right answer (0 = the first)"))
    active = models.BooleanField(_("asked at new events"), default=True)

    class Meta:
        verbose_name = _("questionnaire question")
        verbose_name_plural = _("questionnaire questions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return self.text_en if (get_language() or "id").startswith("en") else self.text_id

    @property
    def choices(self) -> list[str]:
        return list(self.choices_en if (get_language() or "id").startswith("en") else self.choices_id)


class OutreachEvent(models.Model):
    ACCESS = Rule(
        coordinator="coordinator",
        actions={Kind.ADMIN: ALL, Kind.COORDINATOR: COORDINATOR_ACTIONS},
        # The QR code's page: whoever holds the event's check-in code may sign in to it.
        public=frozenset({"checkin"}),
    )

    title = models.CharField(_("title"), max_length=150)
    village = models.ForeignKey("regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("coordinator"), on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)
    questions = models.ManyToManyField(Question, verbose_name=_("questions"), blank=True, related_name="+")
    checkin_code = models.CharField(max_length=30, unique=True, default=new_code, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["coordinator", "starts_at"], name="outreach_coordinator")]

    def __str__(self) -> str:
        return self.title


class CheckinVia(models.TextChoices):
    LIST = "list", _("On the list")
    QR = "qr", _("QR check-in")


class Attendee(models.Model):
    ACCESS = Rule(coordinator="event__coordinator", actions={Kind.ADMIN: ALL, Kind.COORDINATOR: COORDINATOR_ACTIONS})

    event = models.ForeignKey(OutreachEvent, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    via = models.CharField(_("checked in"), max_length=4, choices=CheckinVia.choices, default=CheckinVia.LIST)
    # The attendee's own key to the after-event questionnaire (from the QR check-in).
    token = models.CharField(max_length=30, unique=True, default=new_code, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["event", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class Phase(models.TextChoices):
    PRE = "pre", _("Before")
    POST = "post", _("After")


class QuizResponse(models.Model):
    ACCESS = Rule(
        coordinator="attendee__event__coordinator",
        actions={Kind.ADMIN: ALL, Kind.COORDINATOR: COORDINATOR_ACTIONS},
    )

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="responses")
    phase = models.CharField(_("when"), max_length=4, choices=Phase.choices)
    answers = models.JSONField(default=dict)  # {question id: chosen index}
    score = models.PositiveSmallIntegerField(_("right answers"))
    total = models.PositiveSmallIntegerField(_("questions"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attendee", "phase"], name="quiz_one_per_phase")]

    def __str__(self) -> str:
        return f"{self.attendee} {self.phase} {self.score}/{self.total}"

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.total if self.total else 0.0


class Attribution(models.Model):
    """A registration brought by an event: kept here, not on the participant."""

    ACCESS = Rule(coordinator="event__coordinator", actions={Kind.ADMIN: ALL, Kind.COORDINATOR: COORDINATOR_ACTIONS})

    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.CASCADE, related_name="outreach_attribution"
    )
    event = models.ForeignKey(OutreachEvent, on_delete=models.CASCADE, related_name="attributions")
    attributed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("registration brought by an event")
        verbose_name_plural = _("registrations brought by events")

    def __str__(self) -> str:
        return f"{self.participant_id} -> {self.event_id}"
