from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    REGENCY = 2, _("Regency/city")
    DISTRICT = 3, _("District")
    VILLAGE = 4, _("Village")


# Dotted Kemendagri code length per level: 14 / 14.03 / 14.03.01 / 14.03.01.2004
CODE_LENGTH = {Level.PROVINCE: 2, Level.REGENCY: 5, Level.DISTRICT: 8, Level.VILLAGE: 13}


class Region(models.Model):
    """One node of the Kemendagri tree. The dotted code is the key: it never changes, it
    carries the parent (its prefix), and it makes the national import an upsert."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Admin edits are audited row by row; the national import records only the renames it makes.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "name"], name="region_parent_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def kind_label(self) -> str:
        """Kabupaten vs kota for level 2; kelurahan vs desa for level 4 (DOMAIN.md)."""
        if self.level == Level.REGENCY:
            return str(_("City")) if int(self.code[3:5]) >= 71 else str(_("Regency"))
        if self.level == Level.VILLAGE:
            return str(_("Urban village (kelurahan)")) if self.code[9] == "1" else str(_("Village (desa)"))
        return self.get_level_display()
