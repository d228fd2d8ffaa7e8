"""The share of each campaign kept back as a control group (MSG-10), as effective-dated
data: changing it applies to campaigns planned from that day, never to past ones (each
outbox row records whether it was held out when it was planned)."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule


class ControlShare(models.Model):
    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"})})

    percent = models.PositiveSmallIntegerField(
        _("held-out share (%)"), validators=[MinValueValidator(0), MaxValueValidator(50)]
    )
    valid_from = models.DateField(_("valid from"), unique=True)
    basis = models.TextField(_("why"), help_text=_("Who decided this share and why (e.g. a branch memo)."))

    class Meta:
        verbose_name = _("control group share")
        verbose_name_plural = _("control group shares")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.percent}% from {self.valid_from}"

    @classmethod
    def on(cls, day: datetime.date) -> int:
        """The share in force on ``day`` (0 before the first row: nobody held out)."""
        row = cls.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
        return row.percent if row else 0
