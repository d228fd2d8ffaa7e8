from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lindung.core.access import ALL, Kind, Rule
from lindung.core.models import TimeStampedModel


class Contact(TimeStampedModel):
    """An entry of the contacts directory: branch offices, admins, helpdesks (REG-7)."""

    # Everyone signed in reads the directory (FR-10, FR-15); administrators change it (FR-05).
    ACCESS = Rule(
        shared=True,
        actions={
            Kind.ADMIN: ALL,
            Kind.COORDINATOR: frozenset({"view"}),
            Kind.OFFICER: frozenset({"view"}),
            Kind.PARTICIPANT: frozenset({"view"}),
        },
    )

    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position or office"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    whatsapp = models.CharField(_("WhatsApp"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.TextField(_("address"), blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    office_hours = models.CharField(_("office hours"), max_length=150, blank=True)
    is_published = models.BooleanField(_("shown to all users"), default=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def whatsapp_digits(self) -> str:
        """The number as wa.me links want it: country code and digits, no plus sign."""
        return self.whatsapp.lstrip("+")
