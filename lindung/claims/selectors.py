"""Reads of the claims app: the benefit rule in force on a day, claims in scope."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from .rules import BenefitRule


def rule_on(key: str, day: datetime.date, variant: str = "") -> BenefitRule:
    """The row of ``key`` (and ``variant``) in force on ``day``; a clear error if none."""
    row = (
        BenefitRule.objects.filter(key=key, variant=variant, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )
    if row is None:
        raise ValidationError(_("No benefit rule %(key)s is in force on %(day)s.") % {"key": key, "day": day})
    return row


def rule_or_none(key: str, day: datetime.date, variant: str = "") -> BenefitRule | None:
    try:
        return rule_on(key, day, variant)
    except ValidationError:
        return None


def rules_on(key: str, day: datetime.date) -> list[BenefitRule]:
    """Every variant of ``key`` in force on ``day`` (school levels, partial percents)."""
    return list(
        BenefitRule.objects.filter(key=key, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("variant")
    )
