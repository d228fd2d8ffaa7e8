"""Worked examples in rupiah for the program pages, computed from the rules in force
today (claims' benefit rules, contributions' rates): no figure lives in a template."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lindung.claims import rules_engine
from lindung.claims.facts import ClaimFacts, JhtReason, ScholarshipChild
from lindung.claims.rules import RuleKey, SchoolLevel
from lindung.claims.selectors import rule_or_none
from lindung.contributions.calculator import contribution_calculate
from lindung.contributions.models import Program, RuleCategory
from lindung.contributions.selectors import rules_in_force
from lindung.core.money import rupiah

from .models import Topic


@dataclass(frozen=True)
class ExampleLine:
    label: str
    amount: int
    legal_basis: str = ""
    program: str = ""


@dataclass
class Example:
    title: str
    lines: list[ExampleLine] = field(default_factory=list)
    total_label: str = ""
    note: str = ""

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


@dataclass(frozen=True)
class _Person:
    """The example worker the rules read: born 40 years ago, a member for five years."""

    birth_date: datetime.date
    registration_date: datetime.date
    category: str


def _person(on: datetime.date, category: str = RuleCategory.INFORMAL) -> _Person:
    return _Person(on.replace(year=on.year - 40, day=1), on.replace(year=on.year - 5, day=1), category)


def _lines(benefit: rules_engine.Benefit) -> list[ExampleLine]:
    return [ExampleLine(line.label, line.amount, line.legal_basis) for line in benefit.lines]


def _contribution(category: str, income: int, programs: list[str], on: datetime.date, only: bool = False) -> Example:
    """The monthly contribution of the mandatory programs plus ``programs``; ``only``
    keeps just the lines of ``programs`` (JP: the rest of a wage earner's package is
    not what the page is about)."""
    book = rules_in_force(on.replace(day=1))
    chosen = list(dict.fromkeys([*book.mandatory_programs(category), *programs]))
    # A wage earner's JKK rate depends on the workplace risk tier: the lowest is shown.
    tier = 1 if category == RuleCategory.WAGE_EARNER else None
    calculation = contribution_calculate(
        category=category, income=income, programs=chosen, month=on, risk_tier=tier, book=book
    )
    lines = [line for line in calculation.lines if not only or line.program in programs]
    return Example(
        _("What it costs each month"),
        [ExampleLine(line.program_label, line.amount, line.legal_basis, line.program) for line in lines],
        _("Monthly contribution"),
    )


def _jkk(income: int, on: datetime.date) -> list[Example]:
    person = _person(on)
    injury = rules_engine.benefit(
        person, ClaimFacts(program=Program.WORK_ACCIDENT, event_date=on, wage=income, incapacity_days=60), on
    )
    death = rules_engine.benefit(
        person, ClaimFacts(program=Program.WORK_ACCIDENT, event_date=on, wage=income, accident_death=True), on
    )
    return [
        _contribution(RuleCategory.INFORMAL, income, [Program.WORK_ACCIDENT], on),
        Example(
            _("Hurt at work and unable to work for 60 days"),
            _lines(injury),
            _("Paid for the lost wages"),
            _("Treatment at the hospital is paid as needed, on top of this."),
        ),
        Example(_("Dies from a work accident"), _lines(death), _("Paid to the family")),
    ]


def _jkm(income: int, on: datetime.date) -> list[Example]:
    person = _person(on)
    plain = rules_engine.benefit(person, ClaimFacts(program=Program.DEATH, event_date=on), on)
    children = (
        ScholarshipChild(_("first child"), SchoolLevel.TK_SD),
        ScholarshipChild(_("second child"), SchoolLevel.SMA),
    )
    with_children = rules_engine.benefit(
        person, ClaimFacts(program=Program.DEATH, event_date=on, children=children, contribution_months=60), on
    )
    return [
        _contribution(RuleCategory.INFORMAL, income, [Program.DEATH], on),
        Example(_("Dies (not from a work accident)"), _lines(plain), _("Paid to the family")),
        Example(
            _("The same, with two children at school and five years of contributions"),
            _lines(with_children),
            _("Paid to the family in the first year"),
        ),
    ]


def _jht(income: int, on: datetime.date) -> list[Example]:
    monthly = _contribution(RuleCategory.INFORMAL, income, [Program.OLD_AGE], on)
    jht_month = sum(line.amount for line in monthly.lines if line.program == Program.OLD_AGE)
    saved = jht_month * 12 * 10
    full_age = rule_or_none(RuleKey.JHT_FULL_AGE, on)
    partial = rules_engine.benefit(
        _person(on), ClaimFacts(program=Program.OLD_AGE, jht_reason=JhtReason.PARTIAL_10, balance=saved), on
    )
    saving = Example(
        _("Saved over ten years, before returns"),
        [ExampleLine(_("%(amount)s a month x 120 months") % {"amount": rupiah(jht_month)}, saved)],
        _("Balance"),
        _("The balance also earns returns each year; the amount above leaves them out."),
    )
    if full_age is not None:
        saving.note += " " + _("The whole balance is paid at age %(age)s (%(basis)s).") % {
            "age": full_age.quantity,
            "basis": full_age.legal_basis,
        }
    return [monthly, saving, Example(_("Part of the balance after ten years of membership"), _lines(partial))]


def _jp(income: int, on: datetime.date) -> list[Example]:
    person = _person(on, RuleCategory.WAGE_EARNER)
    months = rule_or_none(RuleKey.JP_MIN_MONTHS, on)
    needed = months.quantity if months and months.quantity else 180
    pension = rules_engine.benefit(
        person,
        ClaimFacts(program=Program.PENSION, contribution_months=needed, average_annual_wage=income * 12),
        on,
    )
    return [
        _contribution(RuleCategory.WAGE_EARNER, income, [Program.PENSION], on, only=True),
        Example(
            _("Pension after %(months)s months of contributions") % {"months": needed},
            _lines(pension),
            _("Every month"),
            _("JP is for wage earners: the employer registers and pays a share."),
        ),
    ]


BUILDERS = {Topic.JKK: _jkk, Topic.JKM: _jkm, Topic.JHT: _jht, Topic.JP: _jp}


def examples_for(topic: str, income: int, on: datetime.date) -> tuple[list[Example], str]:
    """The topic's examples for this monthly income, and a message when a rule is missing."""
    builder = BUILDERS.get(Topic(topic)) if topic in Topic.values else None
    if builder is None:
        return [], ""
    try:
        return builder(income, on), ""
    except ValidationError as error:
        return [], " ".join(error.messages)
