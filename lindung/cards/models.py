from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule


class MembershipCard(models.Model):
    """A printed card (REG-8) and the random token its QR code carries.

    A participant keeps every card ever issued: re-issuing revokes the previous row
    rather than overwriting it, so a lost card's QR answers "revoked" instead of "not
    found" and never starts pointing at someone else. At most one card is live.
    """

    ACCESS = Rule(
        coordinator="participant__coordinator",
        participant="participant",
        actions={
            Kind.ADMIN: ALL,
            Kind.COORDINATOR: frozenset({"view", "issue"}),
            Kind.PARTICIPANT: frozenset({"view"}),
        },
    )

    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="membership_cards",
    )
    # The only thing in the public URL: no NIK, KPJ or database id.
    token = models.CharField(_("verification token"), max_length=43, unique=True, editable=False)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("membership card")
        verbose_name_plural = _("membership cards")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"], condition=Q(revoked_at__isnull=True), name="card_one_live_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} @ {self.issued_at:%Y-%m-%d}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
