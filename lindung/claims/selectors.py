"""Reads of the claims app: the benefit rule in force on a day, claims in scope."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lindung.core import access

from .claim import Claim
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


def claims_for(user: object) -> QuerySet[Claim]:
    """The claims this user may see (one indexed filter for coordinators and participants)."""
    principal = access.principal_of(user)
    return access.scope(principal, Claim.objects.select_related("participant"), "view")


def claim_get_for_user(user: object, pk: int) -> Claim:
    """One claim, or 404 both when it does not exist and when it is not the user's."""
    return access.get_or_404(access.principal_of(user), Claim.objects.select_related("participant"), pk=pk)
