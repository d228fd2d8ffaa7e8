"""The JKK medicine bill check (CLM-7): a standard medicine price list as effective-dated
rows, and a hospital bill's lines attached to a work-accident claim.

DOMAIN.md: "Hospital medicine bills are checked line by line against a standard medicine
price list; the payable amount is the lower." and "medical care as needed, no cap". It
gives no prices, so the list is data imported from the price list the branch works with
(CSV or Excel) and edited in django-admin; each row keeps the source it came from.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule


class MedicinePrice(models.Model):
    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"})})

    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("medicine"), max_length=200)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    price = models.PositiveBigIntegerField(_("price per unit (Rp)"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to (inclusive)"), null=True, blank=True)
    source = models.CharField(_("source or legal basis"), max_length=200)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("standard medicine price")
        verbose_name_plural = _("standard medicine prices")
        ordering = ["code", "valid_from"]
        indexes = [models.Index(fields=["code", "valid_from"], name="medicine_price_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="medicine_price_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="medicine_price_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name} {self.valid_from}"

    def clean(self) -> None:
        overlapping = MedicinePrice.objects.filter(code=self.code).exclude(pk=self.pk)
        overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        if self.valid_to is not None:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        if overlapping.exists():
            raise ValidationError(_("Another price of this medicine is in force in these dates."))


class LineKind(models.TextChoices):
    MEDICINE = "medicine", _("Medicine")
    CARE = "care", _("Care, room or procedure")


class BillLine(models.Model):
    """One line of a hospital bill as the hospital wrote it (what was claimed)."""

    ACCESS = Rule(
        coordinator="claim__coordinator",
        participant="claim__participant",
        # Coordinators may type in the bill of their own participant's claim while they
        # help draft it; the check itself is the same for everyone.
        actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view", "add", "delete"})},
    )

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="bill_lines")
    line_no = models.PositiveIntegerField(_("line"))
    service_date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices, default=LineKind.MEDICINE)
    code = models.CharField(_("code"), max_length=40, blank=True)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_price = models.PositiveBigIntegerField(_("unit price claimed (Rp)"))
    amount = models.PositiveBigIntegerField(_("amount claimed (Rp)"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("hospital bill line")
        verbose_name_plural = _("hospital bill lines")
        ordering = ["claim", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "line_no"], name="bill_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="bill_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}/{self.line_no} {self.description}"
