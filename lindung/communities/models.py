from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lindung.core.access import ALL, Kind, Rule
from lindung.core.models import TimeStampedModel


class GroupType(models.TextChoices):
    COOPERATIVE = "cooperative", _("Cooperative")
    TRADERS = "traders", _("Market traders")
    FARMERS = "farmers", _("Farmers")
    FISHERS = "fishers", _("Fishers")
    DRIVERS = "drivers", _("Drivers (ojek)")
    ARTISANS = "artisans", _("Craft workers")
    OTHER = "other", _("Other")


class CommunityGroup(TimeStampedModel):
    """A kelompok masyarakat / wadah that participants belong to (REG-6)."""

    ACCESS = Rule(
        coordinator="coordinator",
        actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view", "add", "change", "delete"})},
    )

    name = models.CharField(_("name"), max_length=150)
    group_type = models.CharField(_("type"), max_length=20, choices=GroupType.choices, default=GroupType.OTHER)
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 4},
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="community_groups",
    )
    leader_name = models.CharField(_("leader"), max_length=150, blank=True)
    leader_phone = models.CharField(_("leader's phone"), max_length=20, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("community group")
        verbose_name_plural = _("community groups")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["village", "name"], name="group_unique_name_per_village")]
        # A coordinator's list is "my groups by name": one index serves the scope and the sort.
        indexes = [models.Index(fields=["coordinator", "name"], name="group_coordinator_name")]

    def __str__(self) -> str:
        return self.name
