"""Eligibility, routing and amounts on both sides of every boundary date and amount."""

import datetime
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.claims.facts import ClaimFacts, JhtReason, ScholarshipChild, add_months, add_years, age_on
from lindung.claims.rules_engine import Channel, benefit, eligibility, route

D = datetime.date
pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Person:
    birth_date: datetime.date = datetime.date(1970, 6, 15)
    registration_date: datetime.date = datetime.date(2010, 3, 1)
    category: str = "informal"


def jht(reason: str, **kwargs: object) -> ClaimFacts:
    return ClaimFacts(program="jht", jht_reason=reason, **kwargs)  # type: ignore[arg-type]


# JHT age ------------------------------------------------------------------------------


def test_jht_at_56_refused_the_day_before_the_birthday_allowed_on_it() -> None:
    person = Person(birth_date=D(1970, 6, 15))
    before = eligibility(person, jht(JhtReason.AGE_56), D(2026, 6, 14))
    on = eligibility(person, jht(JhtReason.AGE_56), D(2026, 6, 15))
    assert not before.allowed
    assert "from age 56 (on 2026-06-15)" in before.refusals[0].message
    assert before.refusals[0].legal_basis.startswith("PP 46/2015")
    assert on.allowed
    assert on.findings[0].legal_basis.startswith("PP 46/2015")


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=D(1940, 1, 1), max_value=D(2000, 12, 31)))
def test_age_56_property(birth: datetime.date) -> None:
    birthday = add_years(birth, 56)
    assert age_on(birth, birthday) == 56
    assert age_on(birth, birthday - datetime.timedelta(days=1)) == 55


def test_29_february_turns_on_28_february() -> None:
    assert age_on(D(1968, 2, 29), D(2025, 2, 28)) == 57
    assert age_on(D(1968, 2, 29), D(2025, 2, 27)) == 56


# Waiting period -------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [JhtReason.RESIGNATION, JhtReason.TERMINATION])
@pytest.mark.parametrize(
    ("left", "last_refused", "first_allowed"),
    [
        (D(2025, 1, 15), D(2025, 2, 14), D(2025, 2, 15)),  # 30 days later refused, 31 allowed
        (D(2025, 1, 31), D(2025, 2, 27), D(2025, 2, 28)),  # a short month: its last day
        (D(2025, 3, 31), D(2025, 4, 29), D(2025, 4, 30)),
        (D(2025, 4, 30), D(2025, 5, 29), D(2025, 5, 30)),  # 29 days refused, 30 allowed
    ],
)
def test_waiting_period_of_one_month(
    reason: str, left: datetime.date, last_refused: datetime.date, first_allowed: datetime.date
) -> None:
    facts = jht(reason, event_date=left)
    refused = eligibility(Person(), facts, last_refused)
    assert not refused.allowed
    assert refused.refusals[0].legal_basis == "Permenaker 4/2022"
    assert str(first_allowed) in refused.refusals[0].message
    assert eligibility(Person(), facts, first_allowed).allowed


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=D(2016, 1, 1), max_value=D(2030, 12, 31)))
def test_waiting_period_property(left: datetime.date) -> None:
    opens = add_months(left, 1)
    facts = jht(JhtReason.RESIGNATION, event_date=left)
    assert eligibility(Person(), facts, opens).allowed
    assert not eligibility(Person(), facts, opens - datetime.timedelta(days=1)).allowed


def test_a_reason_needs_its_event_date_and_the_date_cannot_be_in_the_future() -> None:
    missing = eligibility(Person(), jht(JhtReason.RESIGNATION), D(2025, 1, 1))
    assert not missing.allowed and "Missing" in missing.refusals[0].message
    future = eligibility(Person(), jht(JhtReason.DEATH, event_date=D(2025, 1, 2)), D(2025, 1, 1))
    assert not future.allowed


def test_only_informal_workers_claim_for_stopping_work() -> None:
    facts = jht(JhtReason.STOPPED_WORKING, event_date=D(2024, 1, 1))
    assert eligibility(Person(category="informal"), facts, D(2024, 3, 1)).allowed
    assert not eligibility(Person(category="wage_earner"), facts, D(2024, 3, 1)).allowed


# Partial JHT ----------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [JhtReason.PARTIAL_10, JhtReason.PARTIAL_30])
def test_partial_claim_needs_ten_years_of_membership(reason: str) -> None:
    person = Person(registration_date=D(2014, 8, 20))
    short = eligibility(person, jht(reason, balance=1), D(2024, 8, 19))
    assert not short.allowed
    assert short.refusals[0].legal_basis == "PP 46/2015 art. 22"
    assert eligibility(person, jht(reason, balance=1), D(2024, 8, 20)).allowed


def test_partial_claim_only_once() -> None:
    facts = jht(JhtReason.PARTIAL_10, partial_claimed_before=True)
    result = eligibility(Person(registration_date=D(2000, 1, 1)), facts, D(2024, 1, 1))
    assert not result.allowed
    assert "only once" in result.refusals[0].message


@pytest.mark.parametrize(("reason", "amount"), [(JhtReason.PARTIAL_10, 1_234_567), (JhtReason.PARTIAL_30, 3_703_701)])
def test_partial_amounts(reason: str, amount: int) -> None:
    result = benefit(Person(), jht(reason, balance=12_345_670), D(2024, 1, 1))
    assert result.amount == amount
    assert result.lines[0].legal_basis == "PP 46/2015 art. 22"


def test_full_jht_benefit_is_the_balance() -> None:
    assert benefit(Person(), jht(JhtReason.AGE_56, balance=9_000_001), D(2024, 1, 1)).amount == 9_000_001


# JKK expiry -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accident", "last_day", "years"),
    [
        (D(2019, 12, 1), D(2021, 11, 30), 2),  # the day before PP 82/2019: 2 years
        (D(2019, 12, 2), D(2024, 12, 1), 5),  # from PP 82/2019: 5 years
    ],
)
def test_jkk_expiry(accident: datetime.date, last_day: datetime.date, years: int) -> None:
    facts = ClaimFacts(program="jkk", event_date=accident)
    assert eligibility(Person(), facts, last_day).allowed
    expired = eligibility(Person(), facts, last_day + datetime.timedelta(days=1))
    assert not expired.allowed
    assert f"{years} years after the accident" in expired.refusals[0].message
    assert ("PP 82/2019" in expired.refusals[0].legal_basis) == (years == 5)


# JKK amounts ----------------------------------------------------------------------------


def test_jkk_death_is_48_wages() -> None:
    facts = ClaimFacts(program="jkk", event_date=D(2023, 1, 1), wage=3_000_000, accident_death=True)
    result = benefit(Person(), facts, D(2023, 2, 1))
    assert result.amount == 144_000_000
    assert "48 x Rp 3.000.000" in result.lines[0].label


@pytest.mark.parametrize(
    ("days", "amount"),
    [
        (360, 3_000_000 * 12),  # 12 months of 30 days at 100 %
        (361, 3_000_000 * 12 + 50_000),  # the 361st day at 50 % of 100,000
        (30, 3_000_000),
        (420, 3_000_000 * 12 + 3_000_000),  # 60 more days at 50_000
    ],
)
def test_temporary_incapacity_100_then_50_percent(days: int, amount: int) -> None:
    facts = ClaimFacts(program="jkk", event_date=D(2023, 1, 1), wage=3_000_000, incapacity_days=days)
    assert benefit(Person(), facts, D(2024, 6, 1)).amount == amount


# JKM amounts and scholarship --------------------------------------------------------------


def jkm(death: datetime.date, **kwargs: object) -> ClaimFacts:
    return ClaimFacts(program="jkm", event_date=death, **kwargs)  # type: ignore[arg-type]


def test_jkm_amounts_by_death_date() -> None:
    old = benefit(Person(), jkm(D(2019, 12, 1)), D(2020, 1, 10))
    new = benefit(Person(), jkm(D(2019, 12, 2)), D(2020, 1, 10))
    assert [line.amount for line in old.lines] == [16_200_000, 4_800_000, 3_000_000]
    assert old.amount == 24_000_000
    assert [line.amount for line in new.lines] == [20_000_000, 12_000_000, 10_000_000]
    assert new.amount == 42_000_000
    assert all(line.legal_basis == "PP 82/2019" for line in new.lines)
    assert eligibility(Person(), jkm(D(2019, 12, 2)), D(2020, 1, 10)).findings[0].legal_basis == "PP 82/2019"


CHILDREN = (
    ScholarshipChild("Ayu", "tk_sd"),
    ScholarshipChild("Bayu", "university"),
    ScholarshipChild("Candra", "smp"),
)


def test_new_scholarship_two_children_after_three_years_of_contributions() -> None:
    enough = benefit(Person(), jkm(D(2024, 1, 1), children=CHILDREN, contribution_months=36), D(2024, 2, 1))
    assert enough.amount == 42_000_000 + 1_500_000 + 12_000_000  # the third child gets nothing
    short = benefit(Person(), jkm(D(2024, 1, 1), children=CHILDREN, contribution_months=35), D(2024, 2, 1))
    assert short.amount == 42_000_000
    assert "fewer than 3 years of contributions" in short.lines[-1].label


@pytest.mark.parametrize(
    ("level", "amount"), [("tk_sd", 1_500_000), ("smp", 2_000_000), ("sma", 3_000_000), ("university", 12_000_000)]
)
def test_scholarship_per_level(level: str, amount: int) -> None:
    facts = jkm(D(2024, 1, 1), children=(ScholarshipChild("A", level),), contribution_months=120)
    assert benefit(Person(), facts, D(2024, 2, 1)).lines[-1].amount == amount


def test_old_scholarship_after_five_years_of_membership() -> None:
    five = Person(registration_date=D(2014, 11, 30))
    facts = jkm(D(2019, 11, 30), children=CHILDREN)
    assert benefit(five, facts, D(2020, 1, 1)).amount == 24_000_000 + 12_000_000
    almost = Person(registration_date=D(2014, 12, 1))
    assert benefit(almost, facts, D(2020, 1, 1)).amount == 24_000_000


# JP ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "age"), [(2018, 56), (2019, 57), (2021, 57), (2022, 58), (2025, 59), (2028, 60), (2040, 64), (2043, 65)]
)
def test_pension_age_per_year(year: int, age: int) -> None:
    day = D(year, 7, 1)
    worker = Person(category="wage_earner", birth_date=D(year - age, 7, 1))
    younger = Person(category="wage_earner", birth_date=D(year - age, 7, 2))
    assert eligibility(worker, ClaimFacts(program="jp"), day).allowed
    refused = eligibility(younger, ClaimFacts(program="jp"), day)
    assert not refused.allowed
    assert f"is {age}" in refused.refusals[0].message


def test_jp_is_for_wage_earners_only() -> None:
    result = eligibility(Person(category="informal", birth_date=D(1950, 1, 1)), ClaimFacts(program="jp"), D(2024, 1, 1))
    assert [f.message for f in result.refusals] == ["JP is for wage earners only."]


def test_jp_monthly_from_180_months_else_lump_sum() -> None:
    lump = benefit(Person(), ClaimFacts(program="jp", contribution_months=179, jp_balance=25_000_000), D(2024, 1, 1))
    assert not lump.monthly and lump.amount == 25_000_000
    monthly = benefit(
        Person(), ClaimFacts(program="jp", contribution_months=180, average_annual_wage=60_000_000), D(2024, 1, 1)
    )
    assert monthly.monthly
    assert monthly.amount == 60_000_000 * 180 // (100 * 12 * 12)  # 1 % x 15 years x 5,000,000 a month = 750,000
    assert monthly.amount == 750_000


# Routing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "balance", "channel"),
    [
        (D(2025, 4, 30), 10_000_000, Channel.SELF_SERVICE),
        (D(2025, 4, 30), 10_000_001, Channel.ONLINE),
        (D(2025, 5, 1), 10_000_001, Channel.SELF_SERVICE),
        (D(2025, 5, 1), 15_000_000, Channel.SELF_SERVICE),
        (D(2025, 5, 1), 15_000_001, Channel.ONLINE),
    ],
)
def test_route_by_balance_threshold_in_force(day: datetime.date, balance: int, channel: str) -> None:
    result = route(Person(), jht(JhtReason.AGE_56, balance=balance), day)
    assert result.channel == channel
    assert result.findings[0].legal_basis.startswith("BPJS Ketenagakerjaan JMO")


def test_partial_10_goes_online_even_with_a_small_balance_and_30_to_the_branch() -> None:
    assert route(Person(), jht(JhtReason.PARTIAL_10, balance=1_000), D(2025, 6, 1)).channel == Channel.ONLINE
    assert route(Person(), jht(JhtReason.PARTIAL_30, balance=1_000), D(2025, 6, 1)).channel == Channel.BRANCH


@pytest.mark.parametrize("program", ["jkk", "jkm", "jp"])
def test_other_programs_go_to_the_branch(program: str) -> None:
    assert route(Person(), ClaimFacts(program=program), D(2025, 6, 1)).channel == Channel.BRANCH


def test_npwp_above_50_million() -> None:
    at = route(Person(), jht(JhtReason.AGE_56, balance=50_000_000), D(2025, 6, 1))
    over = route(Person(), jht(JhtReason.AGE_56, balance=50_000_001), D(2025, 6, 1))
    assert not at.npwp_required and "Tax number (NPWP)" not in at.bring
    assert over.npwp_required and "Tax number (NPWP)" in over.bring
    assert over.findings[-1].legal_basis.startswith("PP 68/2009")


def test_what_to_bring_follows_the_reason() -> None:
    result = route(Person(), jht(JhtReason.RESIGNATION, balance=1), D(2025, 6, 1))
    assert "Identity card (KTP)" in result.bring
    assert any("Resignation" in item for item in result.bring)


def test_reasons_are_rows_citing_their_basis_and_a_withdrawn_reason_refuses() -> None:
    from lindung.claims.rules import BenefitRule, RuleKey

    facts = jht(JhtReason.LEAVING_INDONESIA, event_date=D(2024, 1, 1))
    allowed = eligibility(Person(), facts, D(2024, 2, 1))
    assert allowed.allowed and allowed.findings[0].legal_basis == "Permenaker 4/2022"
    BenefitRule.objects.filter(key=RuleKey.JHT_REASON, variant=JhtReason.LEAVING_INDONESIA).update(
        valid_to=D(2024, 1, 31)
    )
    refused = eligibility(Person(), facts, D(2024, 2, 1))
    assert not refused.allowed
    assert "is not a reason for a JHT claim on 2024-02-01" in refused.refusals[0].message


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=D(2016, 1, 1), max_value=D(2030, 12, 31)))
def test_jkk_expiry_property(accident: datetime.date) -> None:
    years = 5 if accident >= D(2019, 12, 2) else 2
    expires = add_years(accident, years)
    facts = ClaimFacts(program="jkk", event_date=accident)
    assert eligibility(Person(), facts, expires - datetime.timedelta(days=1)).allowed
    assert not eligibility(Person(), facts, expires).allowed


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)))
def test_route_property(balance: int, day: datetime.date) -> None:
    ceiling = 15_000_000 if day >= D(2025, 5, 1) else 10_000_000
    result = route(Person(), jht(JhtReason.AGE_56, balance=balance), day)
    assert result.channel == (Channel.SELF_SERVICE if balance <= ceiling else Channel.ONLINE)
    assert result.npwp_required == (balance > 50_000_000)
