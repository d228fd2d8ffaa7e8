"""Service levels for the claims dashboard, as effective-dated data with their basis."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule


class ServiceLevel(models.Model):
    """How many calendar days a claim may take from submission to payment before the
    dashboard counts it as late. A new target is a new row, the old one ended."""

    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"})})

    days = models.PositiveSmallIntegerField(_("days from submission to payment"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to (inclusive)"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=200)

    class Meta:
        verbose_name = _("claim service level")
        verbose_name_plural = _("claim service levels")
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="claim_service_level_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.days} ({self.valid_from})"

    @classmethod
    def on(cls, day: datetime.date) -> "ServiceLevel | None":
        return (
            cls.objects.filter(valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by("-valid_from")
            .first()
        )
