import datetime
import itertools

import pytest

from lindung.claims.rules import BenefitRule, RuleKey
from lindung.claims.selectors import rule_on

D = datetime.date
pytestmark = pytest.mark.django_db


def test_every_seeded_rule_has_a_legal_basis_and_a_known_key() -> None:
    rows = list(BenefitRule.objects.all())
    assert len(rows) > 30
    keys = set(RuleKey.values)
    for row in rows:
        assert row.legal_basis.strip(), row
        assert row.key in keys


def test_versions_of_a_rule_never_overlap() -> None:
    rows = sorted(BenefitRule.objects.all(), key=lambda r: (r.key, r.variant, r.valid_from))
    for _key, group in itertools.groupby(rows, key=lambda r: (r.key, r.variant)):
        versions = list(group)
        for earlier, later in itertools.pairwise(versions):
            assert earlier.valid_to is not None and earlier.valid_to < later.valid_from, (earlier, later)


def test_jkm_figures_change_on_2_december_2019() -> None:
    def total(day: datetime.date) -> int:
        lump = rule_on(RuleKey.JKM_LUMP_SUM, day).amount or 0
        periodic = rule_on(RuleKey.JKM_PERIODIC, day)
        funeral = rule_on(RuleKey.JKM_FUNERAL, day).amount or 0
        return lump + (periodic.amount or 0) * (periodic.quantity or 0) + funeral

    assert total(D(2019, 12, 1)) == 16_200_000 + 4_800_000 + 3_000_000
    assert total(D(2019, 12, 2)) == 42_000_000


def test_scholarship_levels_add_up_to_the_cap_per_child() -> None:
    day = D(2024, 1, 1)
    levels = BenefitRule.objects.filter(key=RuleKey.JKM_SCHOLARSHIP_LEVEL)
    assert sum((r.amount or 0) * (r.quantity or 0) for r in levels) == rule_on(RuleKey.JKM_SCHOLARSHIP_CAP, day).amount
    assert rule_on(RuleKey.JKM_SCHOLARSHIP_CAP, day).amount == 87_000_000


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (D(2018, 12, 31), 56),
        (D(2019, 1, 1), 57),
        (D(2021, 12, 31), 57),
        (D(2022, 1, 1), 58),
        (D(2024, 12, 31), 58),
        (D(2025, 1, 1), 59),
        (D(2027, 12, 31), 59),
        (D(2028, 1, 1), 60),
        (D(2042, 12, 31), 64),
        (D(2043, 1, 1), 65),
        (D(2099, 1, 1), 65),
    ],
)
def test_pension_age_by_year(day: datetime.date, age: int) -> None:
    assert rule_on(RuleKey.JP_PENSION_AGE, day).quantity == age


@pytest.mark.parametrize(("day", "amount"), [(D(2025, 4, 30), 10_000_000), (D(2025, 5, 1), 15_000_000)])
def test_jmo_ceiling_rises_on_1_may_2025(day: datetime.date, amount: int) -> None:
    assert rule_on(RuleKey.ROUTE_SELF_SERVICE_MAX, day).amount == amount


def test_a_day_without_a_rule_is_a_clear_error() -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="No benefit rule"):
        rule_on(RuleKey.JKM_SCHOLARSHIP_CAP, D(2019, 12, 1))


def test_a_new_version_must_not_overlap_the_one_in_force() -> None:
    from django.core.exceptions import ValidationError

    overlapping = BenefitRule(
        key=RuleKey.ROUTE_SELF_SERVICE_MAX, valid_from=D(2026, 1, 1), amount=20_000_000, legal_basis="test"
    )
    with pytest.raises(ValidationError, match="Another version"):
        overlapping.full_clean()
    BenefitRule.objects.filter(key=RuleKey.ROUTE_SELF_SERVICE_MAX, valid_to__isnull=True).update(
        valid_to=D(2025, 12, 31)
    )
    overlapping.full_clean()
    overlapping.save()
    assert rule_on(RuleKey.ROUTE_SELF_SERVICE_MAX, D(2025, 12, 31)).amount == 15_000_000
    assert rule_on(RuleKey.ROUTE_SELF_SERVICE_MAX, D(2026, 1, 1)).amount == 20_000_000
