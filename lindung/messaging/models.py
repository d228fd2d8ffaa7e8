"""Reminders over WhatsApp and SMS: the consent ledger, the outbox, its attempts, sender
limits and the raw webhooks. ARCHITECTURE.md, "Messaging design"; docs/messaging.md."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule


class Channel(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")


class ConsentScope(models.TextChoices):
    ALL = "all", _("Every channel")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")


class ConsentRecord(models.Model):
    """One consent fact (MSG-8): given or withdrawn, for one channel or all, when, how,
    by whom and on what evidence. Rows are only added; the latest one that covers a
    channel decides (``participant_may_be_messaged``)."""

    ACCESS = Rule(
        coordinator="participant__coordinator",
        participant="participant",
        actions={
            Kind.ADMIN: ALL,
            Kind.COORDINATOR: frozenset({"view", "change", "withdraw"}),
            Kind.PARTICIPANT: frozenset({"view", "withdraw"}),
        },
    )

    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.CASCADE,
        related_name="consent_records",
        verbose_name=_("participant"),
        db_index=False,
    )
    channel = models.CharField(_("channel"), max_length=10, choices=ConsentScope.choices, default=ConsentScope.ALL)
    given = models.BooleanField(_("consent given"))
    at = models.DateTimeField(_("when"))
    method = models.CharField(_("how"), max_length=30, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["participant", "-at", "-id"]
        indexes = [models.Index(fields=["participant", "-at", "-id"], name="consent_latest")]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.channel} {'given' if self.given else 'withdrawn'}"
