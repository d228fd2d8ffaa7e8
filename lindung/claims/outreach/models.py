"""Age outreach (CLM-9): the contacts a branch or coordinator makes with participants who
have reached, or soon reach, the JHT age or the JP pension age and have not claimed.
A phone call is logged by hand (outcome, next step, when); a WhatsApp/SMS reminder is
logged when it is queued (the messaging app sends it, see docs/messaging.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule

from ..claim import ClaimProgram


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Visit")
    MESSAGE = "message", _("WhatsApp/SMS reminder")


class Outcome(models.TextChoices):
    WILL_CLAIM = "will_claim", _("Reached: will claim")
    HELPED = "helped", _("Reached: claim started with them")
    NOT_YET = "not_yet", _("Reached: does not want to claim yet")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong or dead number")
    DECEASED = "deceased", _("Reported deceased")
    QUEUED = "queued", _("Reminder queued")


OUTREACH_PROGRAMS = (ClaimProgram.OLD_AGE, ClaimProgram.PENSION)


class OutreachContact(models.Model):
    ACCESS = Rule(
        coordinator="participant__coordinator",
        participant="participant",
        actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view", "add"})},
    )

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="outreach_contacts"
    )
    program = models.CharField(
        _("program"),
        max_length=5,
        choices=[(p.value, p.label) for p in OUTREACH_PROGRAMS],
        default=ClaimProgram.OLD_AGE,
    )
    method = models.CharField(_("how"), max_length=10, choices=ContactMethod.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_date = models.DateField(_("next step on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    contacted_at = models.DateTimeField(_("when"))
    contacted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("outreach contact")
        verbose_name_plural = _("outreach contacts")
        ordering = ["-contacted_at", "-id"]
        indexes = [
            models.Index(fields=["participant", "-contacted_at"], name="outreach_participant"),
            models.Index(fields=["contacted_at"], name="outreach_month"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.method} {self.outcome}"
