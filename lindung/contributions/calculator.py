"""The contribution calculator: integer rupiah from the rules in force (CON-1, SELF-3).

Rounding: DOMAIN.md states none, so every share (employer's, worker's) of every program
line is rounded HALF-UP to the whole rupiah on its own, and a line's amount is the sum of
its shares. All arithmetic is Decimal; no float is ever involved.

The contribution month is given by its first day, and the rules in force on that day
judge the whole month (see selectors.py).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lindung.core.money import rupiah
from lindung.participants.models import Participant

from .models import PROGRAM_ORDER, ContributionRule, ParticipantProgram, Payer, Program, RuleCategory, RuleKind
from .selectors import RuleBook, holidays_between, participant_programs_on, rule_in_force, rules_in_force

HUNDRED = Decimal(100)


def round_rupiah(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Line:
    program: str
    basis: int
    rate: Decimal | None
    flat_amount: int | None
    employer_share: int
    worker_share: int
    # True for JKP: the line shows the contribution's value, which nobody pays on top.
    no_extra_cost: bool
    legal_basis: str

    @property
    def amount(self) -> int:
        return self.employer_share + self.worker_share

    @property
    def value(self) -> int:
        """What the program receives: for JKP the funded amount, otherwise what is paid."""
        if self.no_extra_cost and self.rate is not None:
            return round_rupiah(Decimal(self.basis) * self.rate / HUNDRED)
        return self.amount

    @property
    def program_label(self) -> str:
        return str(Program(self.program).label)


@dataclass(frozen=True)
class Calculation:
    category: str
    month: datetime.date
    income: int
    lines: list[Line] = field(default_factory=list)

    @property
    def employer_total(self) -> int:
        return sum(line.employer_share for line in self.lines)

    @property
    def worker_total(self) -> int:
        return sum(line.worker_share for line in self.lines)

    @property
    def total(self) -> int:
        return self.employer_total + self.worker_total


def _check_programs(book: RuleBook, category: str, programs: Iterable[str]) -> list[str]:
    chosen = set(programs)
    available = book.programs(category)
    unknown = chosen - set(available)
    if unknown:
        raise ValidationError(
            {"programs": _("Not available for this category: %(programs)s.") % {"programs": _names(unknown)}}
        )
    missing = [p for p in book.mandatory_programs(category) if p not in chosen]
    if missing:
        raise ValidationError(
            {"programs": _("These programs are mandatory: %(programs)s.") % {"programs": _names(missing)}}
        )
    return [p for p in PROGRAM_ORDER if p in chosen]


def _names(programs: Iterable[str]) -> str:
    return ", ".join(p.upper() for p in PROGRAM_ORDER if p in set(programs))


def _check_income(book: RuleBook, category: str, income: object) -> int:
    if isinstance(income, bool) or not isinstance(income, int) or income <= 0:
        raise ValidationError({"income": _("Enter the monthly income in whole rupiah, more than zero.")})
    minimum = book.find(RuleKind.MIN_INCOME, category)
    # Refused rather than raised to the minimum: a calculator that silently used another
    # income than the one typed would show a figure the person cannot reconcile.
    if minimum is not None and minimum.amount is not None and income < minimum.amount:
        raise ValidationError(
            {
                "income": _("The lowest income that can be declared is %(minimum)s.")
                % {"minimum": rupiah(minimum.amount)}
            }
        )
    return income


def _line(rule: ContributionRule, basis: int) -> Line:
    if rule.amount is not None:
        employer_share, worker_share = (0, rule.amount) if rule.payer == Payer.WORKER else (rule.amount, 0)
        if rule.payer == Payer.NO_EXTRA_COST:
            employer_share = worker_share = 0
        return Line(
            program=rule.program,
            basis=basis,
            rate=None,
            flat_amount=rule.amount,
            employer_share=employer_share,
            worker_share=worker_share,
            no_extra_cost=rule.payer == Payer.NO_EXTRA_COST,
            legal_basis=rule.legal_basis,
        )
    base = Decimal(basis)
    return Line(
        program=rule.program,
        basis=basis,
        rate=rule.rate,
        flat_amount=None,
        employer_share=round_rupiah(base * rule.employer_rate / HUNDRED),
        worker_share=round_rupiah(base * rule.worker_part / HUNDRED),
        no_extra_cost=rule.payer == Payer.NO_EXTRA_COST,
        legal_basis=rule.legal_basis,
    )


def contribution_calculate(
    *,
    category: str,
    income: int,
    programs: Iterable[str],
    month: datetime.date,
    risk_tier: int | None = None,
    book: RuleBook | None = None,
) -> Calculation:
    """Per-program lines for one contribution month (``month`` is its first day)."""
    if category not in RuleCategory.values:
        raise ValidationError({"category": _("Lindung has no contribution rules for this category yet.")})
    month = month_start(month)
    book = book or rules_in_force(month)
    income = _check_income(book, category, income)
    chosen = _check_programs(book, category, programs)
    lines = []
    for program in chosen:
        tier = 0
        if program == Program.WORK_ACCIDENT and category == RuleCategory.WAGE_EARNER:
            if risk_tier not in (1, 2, 3, 4, 5):
                raise ValidationError({"risk_tier": _("Choose the workplace risk tier (1 to 5) for JKK.")})
            tier = int(risk_tier)
        rule = book.get(RuleKind.PROGRAM_RATE, category, program=program, risk_tier=tier)
        basis = income
        if program == Program.PENSION:
            ceiling = book.get(RuleKind.JP_CEILING, "", program=Program.PENSION)
            basis = min(income, ceiling.amount or income)
        lines.append(_line(rule, basis))
    return Calculation(category=category, month=month, income=income, lines=lines)


def contribution_calculate_period(
    *,
    category: str,
    income: int,
    programs: Iterable[str],
    start: datetime.date,
    months: int,
    risk_tier: int | None = None,
) -> list[Calculation]:
    """One calculation per month of a prepaid period, each judged by its own month's rules."""
    start = month_start(start)
    book = rules_in_force(start)
    options = book.find(RuleKind.PREPAY, category)
    allowed = options.month_options if options else [1]
    if months not in allowed:
        choices = ", ".join(str(m) for m in allowed)
        raise ValidationError(
            {"months": _("Choose one of these numbers of months: %(choices)s.") % {"choices": choices}}
        )
    programs = list(programs)
    return [
        contribution_calculate(
            category=category, income=income, programs=programs, month=add_months(start, i), risk_tier=risk_tier
        )
        for i in range(months)
    ]


def participant_contribution(
    participant: Participant,
    month: datetime.date,
    *,
    book: RuleBook | None = None,
    program_rows: Iterable[ParticipantProgram] | None = None,
) -> Calculation:
    """``book`` (the rules in force in that month) and ``program_rows`` (the participant's
    program rows) when the caller prices several months and has loaded them once."""
    month = month_start(month)
    book = book or rules_in_force(month)
    enrolment = participant_programs_on(participant, month, book, rows=program_rows)
    if participant.declared_income is None:
        raise ValidationError({"declared_income": _("Enter the declared monthly income first.")})
    return contribution_calculate(
        category=participant.category,
        income=int(participant.declared_income),
        programs=enrolment.programs,
        month=month,
        risk_tier=enrolment.risk_tier,
        book=book,
    )


def late_fine(amount: int, months_late: int, on: datetime.date, category: str = RuleCategory.WAGE_EARNER) -> int:
    """The fine on an unpaid contribution of ``amount`` for ``months_late`` months, by the
    fine rule in force on ``on`` (the contribution month). No fine rule: no fine (BPU)."""
    if amount < 0 or months_late < 0:
        raise ValidationError(_("The amount and the months late cannot be negative."))
    rule = rules_in_force(month_start(on)).find(RuleKind.LATE_FINE, category)
    if rule is None or rule.rate is None:
        return 0
    return round_rupiah(Decimal(amount) * rule.rate / HUNDRED * months_late)


def due_date(category: str, month: datetime.date) -> datetime.date:
    """When a contribution month is due, moved past weekends and holidays if the rule says so."""
    month = month_start(month)
    rule = rule_in_force(RuleKind.DUE_DATE, category, on=month)
    due = add_months(month, rule.month_offset or 0).replace(day=rule.day or 1)
    if rule.next_working_day:
        holidays = holidays_between(due, due + datetime.timedelta(days=31))
        while due.weekday() >= 5 or due in holidays:
            due += datetime.timedelta(days=1)
    return due


def months_late(due: datetime.date, paid_on: datetime.date) -> int:
    """Months or part-months between the due date and the payment (0 when on time)."""
    if paid_on <= due:
        return 0
    months = (paid_on.year - due.year) * 12 + paid_on.month - due.month
    if paid_on.day > due.day:
        months += 1
    return max(months, 1)
