import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from lindung.contributions.models import ContributionRule, RuleKind
from lindung.contributions.selectors import RuleMissing, rule_in_force, rules_in_force
from lindung.contributions.services import rule_create, rule_version_add
from lindung.core.tests.factories import AdminFactory, CoordinatorFactory

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("on", "rate"),
    [(D(2021, 2, 2), "0.46"), (D(2025, 2, 6), "0.46"), (D(2025, 2, 7), "0.36"), (D(2030, 1, 1), "0.36")],
)
def test_rule_in_force_picks_the_version_at_its_boundaries(on, rate):
    rule = rule_in_force(RuleKind.PROGRAM_RATE, "wage_earner", program="jkp", on=on)
    assert rule.rate == Decimal(rate)
    assert rule.legal_basis.startswith("PP 37/2021" if rate == "0.46" else "PP 6/2025")


@pytest.mark.parametrize(
    ("on", "amount"),
    [
        (D(2024, 2, 29), 9_559_600),
        (D(2024, 3, 1), 10_042_300),
        (D(2025, 2, 28), 10_042_300),
        (D(2025, 3, 1), 10_547_400),
        (D(2026, 2, 28), 10_547_400),
        (D(2026, 3, 1), 11_086_300),
    ],
)
def test_jp_ceiling_changes_each_march(on, amount):
    assert rule_in_force(RuleKind.JP_CEILING, program="jp", on=on).amount == amount


def test_no_rule_in_force_is_said_plainly():
    with pytest.raises(RuleMissing, match="No contribution rule"):
        rule_in_force(RuleKind.JP_CEILING, program="jp", on=D(2021, 6, 1))
    with pytest.raises(RuleMissing):
        rule_in_force(RuleKind.PROGRAM_RATE, "wage_earner", program="jkp", on=D(2020, 1, 1))


def test_the_seed_covers_every_figure_with_a_legal_basis():
    book = rules_in_force(D(2025, 6, 1))
    assert book.programs("wage_earner") == ["jkk", "jkm", "jht", "jp", "jkp"]
    assert book.mandatory_programs("wage_earner") == ["jkk", "jkm", "jht", "jp", "jkp"]
    assert book.programs("informal") == ["jkk", "jkm", "jht"]
    assert book.mandatory_programs("informal") == ["jkk", "jkm"]
    tiers = [book.get(RuleKind.PROGRAM_RATE, "wage_earner", program="jkk", risk_tier=t).rate for t in range(1, 6)]
    assert tiers == [Decimal(x) for x in ("0.24", "0.54", "0.89", "1.27", "1.74")]
    jht = book.get(RuleKind.PROGRAM_RATE, "wage_earner", program="jht")
    assert (jht.employer_rate, jht.worker_part) == (Decimal("3.7"), Decimal("2.0"))
    jp = book.get(RuleKind.PROGRAM_RATE, "wage_earner", program="jp")
    assert (jp.employer_rate, jp.worker_part) == (Decimal("2.0"), Decimal("1.0"))
    assert book.get(RuleKind.PROGRAM_RATE, "informal", program="jkm").amount == 6_800
    assert book.get(RuleKind.MIN_INCOME, "informal").amount == 1_000_000
    assert book.get(RuleKind.LATE_FINE, "wage_earner").rate == Decimal("2.0")
    assert book.get(RuleKind.LAPSE, "informal").months == 3
    assert "not a regulation" in book.get(RuleKind.LAPSE, "informal").legal_basis
    assert book.get(RuleKind.PREPAY, "informal").month_options == [1, 3, 6, 12]
    assert (book.get(RuleKind.DUE_DATE, "wage_earner").day, book.get(RuleKind.DUE_DATE, "informal").day) == (15, 15)
    assert "Less certain" in rule_in_force(RuleKind.JP_CEILING, program="jp", on=D(2026, 3, 1)).note
    assert all(rule.legal_basis for rule in ContributionRule.objects.all())
    assert not ContributionRule.objects.filter(rate__isnull=True, amount__isnull=True, kind="program_rate").exists()


def test_overlapping_versions_are_refused_by_the_service():
    data = {"kind": RuleKind.LATE_FINE, "category": "wage_earner", "rate": Decimal("0.5"), "legal_basis": "x"}
    with pytest.raises(ValidationError) as error:
        rule_create(actor=None, data={**data, "valid_from": D(2020, 8, 1), "valid_to": D(2021, 1, 31)})
    assert "overlap" in error.value.message_dict["valid_from"][0]
    # Before every existing version it fits.
    rule_create(actor=None, data={**data, "valid_from": D(2010, 1, 1), "valid_to": D(2010, 12, 31)})
    with pytest.raises(ValidationError):
        rule_create(actor=None, data={**data, "valid_from": D(2010, 12, 31), "valid_to": D(2011, 1, 31)})


def test_a_second_open_version_is_refused_by_the_database_too():
    with pytest.raises(IntegrityError), transaction.atomic():
        ContributionRule.objects.create(
            kind=RuleKind.LAPSE, category="informal", months=6, valid_from=D(2030, 1, 1), legal_basis="x"
        )


def test_adding_a_version_closes_the_previous_one_the_day_before():
    admin = AdminFactory()
    base = rule_in_force(RuleKind.PROGRAM_RATE, "informal", program="jkm", on=D(2025, 1, 1))
    new = rule_version_add(
        actor=admin, base=base, data={"valid_from": D(2027, 1, 1), "amount": 7_500, "legal_basis": "PP 99/2026"}
    )
    base.refresh_from_db()
    assert base.valid_to == D(2026, 12, 31)
    assert (new.valid_from, new.valid_to, new.amount, new.payer, new.mandatory) == (
        D(2027, 1, 1),
        None,
        7_500,
        "worker",
        True,
    )
    assert new.created_by == admin
    assert rule_in_force(RuleKind.PROGRAM_RATE, "informal", program="jkm", on=D(2026, 12, 31)).amount == 6_800
    assert rule_in_force(RuleKind.PROGRAM_RATE, "informal", program="jkm", on=D(2027, 1, 1)).amount == 7_500
    assert base.history.first().history_user == admin


def test_a_version_may_not_start_inside_closed_history():
    admin = AdminFactory()
    base = rule_in_force(RuleKind.PROGRAM_RATE, "wage_earner", program="jkp", on=D(2025, 6, 1))
    with pytest.raises(ValidationError) as error:
        rule_version_add(actor=admin, base=base, data={"valid_from": D(2024, 1, 1), "legal_basis": "x"})
    assert "overlap" in error.value.message_dict["valid_from"][0]
    assert ContributionRule.objects.filter(program="jkp").count() == 2
    base.refresh_from_db()
    assert base.valid_to is None


def test_only_admins_add_versions_and_values_are_checked():
    base = rule_in_force(RuleKind.LAPSE, "informal", on=D(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        rule_version_add(actor=CoordinatorFactory(), base=base, data={"valid_from": D(2027, 1, 1)})
    with pytest.raises(ValidationError) as error:
        rule_version_add(
            actor=AdminFactory(), base=base, data={"valid_from": D(2027, 1, 1), "months": None, "legal_basis": "x"}
        )
    assert "months" in error.value.message_dict
    base.refresh_from_db()
    assert base.valid_to is None  # nothing half-done


@pytest.mark.postgres_only
def test_postgresql_refuses_overlap_even_without_the_service(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("exclusion constraints are PostgreSQL-only")
    with pytest.raises(IntegrityError), transaction.atomic():
        ContributionRule.objects.create(
            kind=RuleKind.LAPSE,
            category="informal",
            months=6,
            valid_from=D(2020, 1, 1),
            valid_to=D(2020, 12, 31),
            legal_basis="x",
        )
