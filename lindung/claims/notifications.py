"""Telling the participant (CLM-10): each claim status change leaves a notification for
the participant, pending until the reminders outbox (messaging) lands and sends it.

The row is written by a synchronous subscriber of ``claim.status_changed`` in the same
transaction as the move, so a move without its notification cannot be committed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule

from .claim import ClaimStatus


class NotificationState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class ClaimNotification(models.Model):
    ACCESS = Rule(
        coordinator="participant__coordinator",
        participant="participant",
        actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"}), Kind.PARTICIPANT: frozenset({"view"})},
    )

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="notifications")
    participant = models.ForeignKey("participants.Participant", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("new status"), max_length=20, choices=ClaimStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=NotificationState.choices, default=NotificationState.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim notification")
        verbose_name_plural = _("claim notifications")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "created_at"], name="claim_notification_outbox")]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.status} {self.state}"
