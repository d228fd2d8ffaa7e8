"""Monthly bills (CON-2): generated idempotently from the contribution rules in force for
the bill's own month, for every active participant, and on activation."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lindung.billing.bills import monthly
from lindung.billing.models import Bill, BillLine
from lindung.contributions.calculator import Calculation, contribution_calculate, due_date, month_start
from lindung.contributions.selectors import RuleBook, participant_programs_on, rules_in_force
from lindung.core import events
from lindung.participants.models import Participant

BILLED_STATUSES = monthly.BILLED_STATUSES


@dataclass
class GenerationResult:
    month: datetime.date
    created: int = 0
    already_billed: int = 0
    # participant id -> why no bill could be computed (e.g. no declared income)
    problems: dict[int, str] = field(default_factory=dict)


month_end = monthly.month_end


class _Calculator:
    """Participants with the same category, income and programs share one calculation:
    a million bills need only as many calculations as there are distinct combinations."""

    def __init__(self, month: datetime.date) -> None:
        self.month = month
        self.book: RuleBook = rules_in_force(month)
        self.cache: dict[tuple[object, ...], Calculation] = {}
        self.due: dict[str, datetime.date] = {}

    def for_participant(self, participant: Participant) -> Calculation:
        if participant.declared_income is None:
            raise ValidationError("no declared income")
        enrolment = participant_programs_on(participant, self.month, self.book)
        key = (participant.category, participant.declared_income, tuple(enrolment.programs), enrolment.risk_tier)
        if key not in self.cache:
            self.cache[key] = contribution_calculate(
                category=participant.category,
                income=int(participant.declared_income),
                programs=enrolment.programs,
                month=self.month,
                risk_tier=enrolment.risk_tier,
                book=self.book,
            )
        return self.cache[key]

    def due_date(self, category: str) -> datetime.date:
        if category not in self.due:
            self.due[category] = due_date(category, self.month)
        return self.due[category]


def _new_bill(participant: Participant, calc: Calculation, due: datetime.date) -> tuple[Bill, list[BillLine]]:
    bill = Bill(
        participant=participant,
        month=calc.month,
        category=calc.category,
        income_basis=calc.income,
        amount=calc.total,
        employer_amount=calc.employer_total,
        worker_amount=calc.worker_total,
        due_date=due,
    )
    lines = [
        BillLine(
            program=line.program,
            basis=line.basis,
            rate=line.rate,
            flat_amount=line.flat_amount,
            employer_share=line.employer_share,
            worker_share=line.worker_share,
            amount=line.amount,
            legal_basis=line.legal_basis[:200],
        )
        for line in calc.lines
    ]
    return bill, lines


def bills_generate(
    *,
    month: datetime.date,
    participant_ids: Iterable[int] | None = None,
    report: Callable[[int, int], None] | None = None,
) -> GenerationResult:
    """Create the month's missing bills for active participants registered by the end of
    the month. Running it again creates nothing new; a bill already issued is never
    recomputed (it was judged by the rules of its own month). Set-based (monthly.py):
    the calculator runs once per distinct combination, SQL writes the bills chunk by
    chunk, each chunk in its own transaction with its ``bills.generated`` event."""
    month = month_start(month)
    result = GenerationResult(month=month)
    only = sorted({int(pk) for pk in participant_ids}) if participant_ids is not None else None
    census = monthly.census(month, only)
    result.already_billed = census.billed
    plan = monthly.plan(list(census.by_key), month, rules_in_force(month))
    refused = sorted((pk, why) for combination, why in plan.refused.items() for pk in census.by_key[combination])
    result.problems.update(refused)
    if not plan.computed:
        return result
    ids = census.ids(plan.computed)
    with monthly.run_tables(plan):
        for start in range(0, len(ids), monthly.CHUNK):
            result.created += _bill_chunk(ids[start : start + monthly.CHUNK], month)
            if report:
                report(min(start + monthly.CHUNK, len(ids)), len(ids))
    return result


@transaction.atomic
def _bill_chunk(ids: list[int], month: datetime.date) -> int:
    bills = monthly.bill_chunk(ids, month)
    _generated(bills)
    return len(bills)


def _generated(bills: list[monthly.IssuedBill]) -> None:
    # One event a chunk: the subscribers add the new bills to the tallies and recount the
    # arrears of anyone billed already past due.
    if bills:
        events.emit(
            "bills.generated",
            participant_ids=[bill.participant_id for bill in bills],
            objects={"bills": bills},
            month=bills[0].month,
            bills=len(bills),
        )


def bills_ensure(participant: Participant, months: Iterable[datetime.date]) -> list[Bill]:
    """The participant's bills for ``months``, creating those missing (prepayment, the
    registration month). Months are judged by their own rules."""
    with events.change("bill.issued", participant_ids=[participant.pk]) as event:
        bills, created = _ensure(participant, months)
        event.objects["bills"] = created
        event.facts["months"] = [bill.month for bill in created]
        event.happened = bool(created)
    return bills


def _ensure(participant: Participant, months: Iterable[datetime.date]) -> tuple[list[Bill], list[Bill]]:
    wanted = sorted({month_start(m) for m in months})
    existing = {b.month: b for b in Bill.objects.filter(participant=participant, month__in=wanted)}
    created: list[Bill] = []
    for month in wanted:
        if month in existing:
            continue
        calculator = _Calculator(month)
        calc = calculator.for_participant(participant)
        bill, lines = _new_bill(participant, calc, calculator.due_date(participant.category))
        bill.save()
        for line in lines:
            line.bill = bill
        BillLine.objects.bulk_create(lines)
        existing[month] = bill
        created.append(bill)
    return [existing[m] for m in wanted], created


def bill_on_activation(participant: Participant) -> None:
    """A newly active member owes from the current month on; without a declared income
    there is nothing to bill yet (the monthly run will pick them up once it is known)."""
    if participant.declared_income is None:
        return
    bills_ensure(participant, [month_start(timezone.localdate())])


def bills_missing_count(month: datetime.date) -> int:
    """How many participants the run for ``month`` would try to bill (those it would skip
    for a missing income included): the figure shown before starting a run."""
    month = month_start(month)
    queryset = Participant.objects.filter(status__in=BILLED_STATUSES, registration_date__lte=month_end(month))
    return queryset.exclude(bills__month=month).count()
