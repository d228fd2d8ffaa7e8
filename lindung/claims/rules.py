"""Benefit rules as effective-dated rows (CLM-2, CLM-4, CLM-6).

Each row is one figure with its validity and legal basis, like contributions'
ContributionRule: ``valid_to`` is INCLUSIVE (the last day in force; ``None`` = until
replaced). Rows sharing a key (``key``, ``variant``) are versions of the same figure.
Services never hold a figure in code: they ask ``rule_on(key, day, variant)``.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule


class RuleKey(models.TextChoices):
    # JHT
    JHT_REASON = "jht_reason", _("JHT: a reason for claiming the balance")
    JHT_FULL_AGE = "jht_full_age", _("JHT: age for the full balance (years)")
    JHT_WAITING_MONTHS = "jht_waiting_months", _("JHT: waiting period after leaving work (months)")
    JHT_PARTIAL_MEMBERSHIP_YEARS = "jht_partial_years", _("JHT: membership before a partial claim (years)")
    JHT_PARTIAL_PERCENT = "jht_partial_percent", _("JHT: partial claim, percent of the balance")
    # JKK
    JKK_EXPIRY_YEARS = "jkk_expiry_years", _("JKK: claim expiry after the accident (years)")
    JKK_DEATH_WAGE_MONTHS = "jkk_death_wages", _("JKK: death benefit (monthly wages)")
    JKK_INCAPACITY = "jkk_incapacity", _("JKK: temporary incapacity, percent of the wage")
    # JKM
    JKM_LUMP_SUM = "jkm_lump_sum", _("JKM: lump sum")
    JKM_PERIODIC = "jkm_periodic", _("JKM: periodic benefit (monthly amount x months)")
    JKM_FUNERAL = "jkm_funeral", _("JKM: funeral costs")
    JKM_SCHOLARSHIP_CHILDREN = "jkm_sch_children", _("JKM scholarship: children at most")
    JKM_SCHOLARSHIP_MIN_CONTRIBUTION_YEARS = (
        "jkm_sch_contrib_years",
        _("JKM scholarship: years of contributions paid at least"),
    )
    JKM_SCHOLARSHIP_MIN_MEMBERSHIP_YEARS = "jkm_sch_member_years", _("JKM scholarship: years of membership at least")
    JKM_SCHOLARSHIP_LEVEL = "jkm_sch_level", _("JKM scholarship: per child per year, by school level")
    JKM_SCHOLARSHIP_FLAT = "jkm_sch_flat", _("JKM scholarship: one amount")
    JKM_SCHOLARSHIP_CAP = "jkm_sch_cap", _("JKM scholarship: at most per child")
    # JP
    JP_MIN_MONTHS = "jp_min_months", _("JP: contribution months for a monthly pension")
    JP_PENSION_AGE = "jp_pension_age", _("JP: pension age (years)")
    JP_CATEGORY = "jp_category", _("JP: participant category entitled")
    # Routing
    ROUTE_SELF_SERVICE_MAX = "route_jmo_max", _("Routing: highest JHT balance for JMO self-service")
    ROUTE_ONLINE_PARTIAL = "route_online_partial", _("Routing: partial JHT claim served online (percent)")
    ROUTE_NPWP_ABOVE = "route_npwp_above", _("Routing: tax number (NPWP) needed above this balance")


class SchoolLevel(models.TextChoices):
    TK_SD = "tk_sd", _("Kindergarten or primary school (TK-SD)")
    SMP = "smp", _("Junior secondary school (SMP)")
    SMA = "sma", _("Senior secondary school (SMA)")
    UNIVERSITY = "university", _("University or training")


class BenefitRule(models.Model):
    """One effective-dated figure. ``amount`` holds rupiah, ``quantity`` a count (years,
    months, percent), ``variant`` tells versions of one key apart (a school level, a
    partial percent, the first or later months of incapacity, a category)."""

    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"})})

    key = models.CharField(_("rule"), max_length=30, choices=RuleKey.choices)
    variant = models.CharField(_("variant"), max_length=20, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to (inclusive)"), null=True, blank=True, help_text=_("Last day in force; empty = until replaced.")
    )
    amount = models.PositiveBigIntegerField(_("amount (Rp)"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    months = models.PositiveIntegerField(_("for months"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("benefit rule")
        verbose_name_plural = _("benefit rules")
        ordering = ["key", "variant", "valid_from"]
        indexes = [models.Index(fields=["key", "variant", "valid_from"], name="benefit_rule_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="benefit_rule_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} {self.variant} {self.valid_from}"

    def clean(self) -> None:
        """Versions of one figure never overlap: a new version starts after the last one ends."""
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The last day cannot be before the first.")})
        overlapping = BenefitRule.objects.filter(key=self.key, variant=self.variant).exclude(pk=self.pk)
        overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        if self.valid_to is not None:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        if overlapping.exists():
            raise ValidationError(
                _("Another version of this rule is in force in these dates: end it the day before this one starts.")
            )

    def in_force(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
