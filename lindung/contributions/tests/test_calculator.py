import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.contributions.calculator import (
    contribution_calculate,
    contribution_calculate_period,
    due_date,
    late_fine,
    months_late,
    participant_contribution,
    round_rupiah,
)
from lindung.contributions.models import Holiday
from lindung.participants.tests.factories import ParticipantFactory

D = datetime.date
PU_ALL = ["jkk", "jkm", "jht", "jp", "jkp"]

pytestmark = pytest.mark.django_db


def lines(calc):
    return {line.program: line for line in calc.lines}


def test_informal_worker_at_one_million_pays_16800_and_36800_with_jht():
    base = contribution_calculate(category="informal", income=1_000_000, programs=["jkk", "jkm"], month=D(2025, 5, 1))
    assert [(line.program, line.amount) for line in base.lines] == [("jkk", 10_000), ("jkm", 6_800)]
    assert base.total == 16_800 and base.worker_total == 16_800 and base.employer_total == 0
    with_jht = contribution_calculate(
        category="informal", income=1_000_000, programs=["jkk", "jkm", "jht"], month=D(2025, 5, 1)
    )
    assert with_jht.total == 36_800
    assert lines(with_jht)["jht"].amount == 20_000


def test_informal_income_below_the_minimum_is_refused_with_the_minimum_named():
    with pytest.raises(ValidationError) as error:
        contribution_calculate(category="informal", income=999_999, programs=["jkk", "jkm"], month=D(2025, 5, 1))
    assert error.value.message_dict["income"] == ["The lowest income that can be declared is Rp 1.000.000."]


@pytest.mark.parametrize(
    ("month", "basis"),
    [
        (D(2024, 2, 1), 9_559_600),
        (D(2024, 3, 1), 10_042_300),
        (D(2024, 12, 1), 10_042_300),
        (D(2025, 2, 1), 10_042_300),
        (D(2025, 3, 1), 10_547_400),
        (D(2026, 3, 1), 11_086_300),
    ],
)
def test_wage_earner_pays_jp_on_the_ceiling_in_force_for_the_month(month, basis):
    calc = contribution_calculate(category="wage_earner", income=12_000_000, programs=PU_ALL, month=month, risk_tier=1)
    jp = lines(calc)["jp"]
    assert jp.basis == basis
    assert jp.employer_share == round_rupiah(Decimal(basis) * 2 / 100)
    assert jp.worker_share == round_rupiah(Decimal(basis) / 100)
    assert lines(calc)["jht"].basis == 12_000_000  # only JP is capped


def test_wage_earner_lines_in_2024():
    calc = contribution_calculate(
        category="wage_earner", income=12_000_000, programs=PU_ALL, month=D(2024, 6, 1), risk_tier=3
    )
    got = {p: (line.employer_share, line.worker_share) for p, line in lines(calc).items()}
    assert got == {
        "jkk": (106_800, 0),  # 0.89 %
        "jkm": (36_000, 0),
        "jht": (444_000, 240_000),
        "jp": (200_846, 100_423),  # 10,042,300 x 2 % and 1 %
        "jkp": (0, 0),
    }
    assert calc.total == 106_800 + 36_000 + 444_000 + 240_000 + 200_846 + 100_423


@pytest.mark.parametrize(("month", "rate", "value"), [(D(2025, 2, 1), "0.46", 18_400), (D(2025, 3, 1), "0.36", 14_400)])
def test_jkp_rate_by_contribution_month_and_no_extra_cost(month, rate, value):
    # Convention: a month is judged by the rules in force on its first day, so the
    # 0.36 % of 7 Feb 2025 applies from the March 2025 contribution month.
    calc = contribution_calculate(category="wage_earner", income=4_000_000, programs=PU_ALL, month=month, risk_tier=1)
    jkp = lines(calc)["jkp"]
    assert jkp.rate == Decimal(rate)
    assert jkp.no_extra_cost and jkp.amount == 0 and jkp.value == value


def test_rounding_is_half_up_per_share():
    # 1,000,050 x 1 % = 10,000.5 -> 10,001; x 2 % = 20,001 exactly.
    calc = contribution_calculate(
        category="informal", income=1_000_050, programs=["jkk", "jkm", "jht"], month=D(2025, 1, 1)
    )
    assert lines(calc)["jkk"].amount == 10_001
    assert round_rupiah(Decimal("0.49")) == 0 and round_rupiah(Decimal("2.5")) == 3


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"category": "informal", "programs": ["jkk"]}, "programs"),
        ({"category": "informal", "programs": ["jkk", "jkm", "jp"]}, "programs"),
        ({"category": "wage_earner", "programs": ["jkk", "jkm", "jht", "jp"], "risk_tier": 1}, "programs"),
        ({"category": "wage_earner", "programs": PU_ALL}, "risk_tier"),
        ({"category": "migrant", "programs": ["jkk", "jkm"]}, "category"),
        ({"category": "informal", "programs": ["jkk", "jkm"], "income": 0}, "income"),
        ({"category": "informal", "programs": ["jkk", "jkm"], "income": "1000000"}, "income"),
    ],
)
def test_bad_input_is_a_validation_error_on_the_field(kwargs, field):
    kwargs = {"income": 2_000_000, "month": D(2025, 5, 1), **kwargs}
    with pytest.raises(ValidationError) as error:
        contribution_calculate(**kwargs)
    assert field in error.value.message_dict


def test_prepaid_period_sums_months_and_checks_the_options():
    months = contribution_calculate_period(
        category="informal", income=1_000_000, programs=["jkk", "jkm"], start=D(2025, 11, 1), months=3
    )
    assert [c.month for c in months] == [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1)]
    assert sum(c.total for c in months) == 50_400
    with pytest.raises(ValidationError) as error:
        contribution_calculate_period(
            category="informal", income=1_000_000, programs=["jkk", "jkm"], start=D(2025, 11, 1), months=2
        )
    assert error.value.message_dict["months"] == ["Choose one of these numbers of months: 1, 3, 6, 12."]


def test_late_fine_two_percent_per_month_for_wage_earners_none_for_informal():
    assert late_fine(1_000_000, 1, D(2024, 5, 1)) == 20_000
    assert late_fine(1_000_000, 3, D(2024, 5, 1)) == 60_000
    assert late_fine(1_000_025, 1, D(2024, 5, 1)) == 20_001  # 20,000.5 rounds up
    assert late_fine(1_000_000, 0, D(2024, 5, 1)) == 0
    assert late_fine(1_000_000, 2, D(2024, 5, 1), category="informal") == 0


def test_months_late_counts_started_months():
    due = D(2024, 6, 17)
    assert months_late(due, D(2024, 6, 17)) == 0
    assert months_late(due, D(2024, 6, 18)) == 1
    assert months_late(due, D(2024, 7, 17)) == 1
    assert months_late(due, D(2024, 7, 18)) == 2


def test_due_dates_wage_earner_next_month_rolled_past_holidays_informal_same_month():
    # 15 June 2024 is a Saturday; the 17th a holiday (Idul Adha) -> the 18th.
    Holiday.objects.create(date=D(2024, 6, 17), name="Idul Adha")
    assert due_date("wage_earner", D(2024, 5, 1)) == D(2024, 6, 18)
    assert due_date("wage_earner", D(2024, 6, 1)) == D(2024, 7, 15)
    assert due_date("informal", D(2024, 6, 1)) == D(2024, 6, 15)  # no roll for BPU


def test_participant_contribution_defaults_to_the_mandatory_programs():
    participant = ParticipantFactory(category="informal", declared_income=1_000_000)
    calc = participant_contribution(participant, D(2025, 5, 20))
    assert calc.month == D(2025, 5, 1) and calc.total == 16_800
    participant.declared_income = None
    with pytest.raises(ValidationError) as error:
        participant_contribution(participant, D(2025, 5, 1))
    assert "declared_income" in error.value.message_dict


@settings(max_examples=60, deadline=None)
@given(
    income=st.integers(min_value=1_000_000, max_value=500_000_000),
    extra=st.integers(min_value=0, max_value=50_000_000),
    jht=st.booleans(),
)
def test_informal_amounts_are_non_negative_integers_and_monotonic_in_income(income, extra, jht):
    programs = ["jkk", "jkm", "jht"] if jht else ["jkk", "jkm"]
    low = contribution_calculate(category="informal", income=income, programs=programs, month=D(2025, 6, 1))
    high = contribution_calculate(category="informal", income=income + extra, programs=programs, month=D(2025, 6, 1))
    for calc in (low, high):
        for line in calc.lines:
            for value in (line.amount, line.employer_share, line.worker_share):
                assert isinstance(value, int) and value >= 0
    assert high.total >= low.total
    for a, b in zip(low.lines, high.lines, strict=True):
        assert b.amount >= a.amount
