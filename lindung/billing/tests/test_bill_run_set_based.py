"""The set-based monthly run (bills/monthly.py) against the per-participant path
(bills_ensure, the calculator one participant at a time) on a fixture that covers what
changes a bill: category, income, program rows in force or not, risk tier, the rules of
the month, and who is not billed. Same bills, same lines in the same order, same
problems; a rerun creates nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from lindung.billing.bills import monthly
from lindung.billing.bills.services import bills_ensure, bills_generate
from lindung.billing.models import Bill
from lindung.billing.tests.factories import amend_informal_jkm, informal_participant
from lindung.contributions.models import ParticipantProgram
from lindung.contributions.selectors import rules_in_force
from lindung.core.models import DomainEvent
from lindung.participants.models import Category, Participant, Status
from lindung.participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)
REGISTERED = datetime.date(2025, 1, 10)


def wage_earner(income, rows=(), **extra):
    p = ParticipantFactory(
        category=Category.WAGE_EARNER,
        declared_income=income,
        status=Status.ACTIVE,
        registration_date=REGISTERED,
        **extra,
    )
    for program, tier, since, until in rows:
        ParticipantProgram.objects.create(participant=p, program=program, risk_tier=tier, since=since, until=until)
    return p


def enrol(p, *programs, since=datetime.date(2025, 1, 1), until=None):
    for program in programs:
        ParticipantProgram.objects.create(participant=p, program=program, since=since, until=until)
    return p


@pytest.fixture
def registry():
    """Participants who get bills of every shape, and some who get none or a problem."""
    since = datetime.date(2025, 1, 1)
    for income in (1_000_000, 1_500_000, 2_500_000, 5_000_000, 1_000_000):
        informal_participant(declared_income=income)  # mandatory JKK + JKM, no program rows
    enrol(informal_participant(declared_income=2_000_000), "jkk", "jkm", "jht")  # optional JHT chosen
    enrol(informal_participant(declared_income=2_000_000), "jkk", "jkm", "jht", until=datetime.date(2026, 2, 28))
    enrol(informal_participant(declared_income=3_000_000), "jkk", "jkm", "jht", since=datetime.date(2026, 3, 2))
    full = [("jkk", 3, since, None), ("jkm", None, since, None), ("jht", None, since, None), ("jp", None, since, None)]
    wage_earner(4_000_000, [*full, ("jkp", None, since, None)])
    wage_earner(15_000_000, [*full, ("jkp", None, since, None)])  # above the JP ceiling
    wage_earner(6_000_000, [("jkk", 5, since, None), *full[1:], ("jkp", None, since, None)])
    wage_earner(6_000_000, [("jkk", 1, since, datetime.date(2026, 1, 31)), ("jkk", 4, datetime.date(2026, 2, 1), None),
                            *full[1:], ("jkp", None, since, None)])  # fmt: skip
    # A tier on two rows: the first row in the model's order (program, since) that has one wins.
    wage_earner(
        6_000_000, [("jkk", 2, since, None), ("jht", 5, since, None), *full[1:2], *full[3:], ("jkp", None, since, None)]
    )
    # Problems: no income, under the lowest income, zero, no JKK tier, a mandatory program
    # missing, a category without rules.
    informal_participant(declared_income=None)
    informal_participant(declared_income=900_000)
    informal_participant(declared_income=0)
    wage_earner(4_000_000)
    wage_earner(4_000_000, [("jkk", 2, since, None), ("jkm", None, since, None)])
    informal_participant(category=Category.CONSTRUCTION)
    # Not billed at all: not a member yet, lapsed, registered after March.
    informal_participant(status=Status.SUBMITTED)
    informal_participant(status=Status.NON_ACTIVE)
    informal_participant(registration_date=datetime.date(2026, 4, 1))


def snapshot(month):
    """Every bill of the month as the participant sees it (ids and timestamps aside)."""
    out = {}
    for bill in Bill.objects.filter(month=month).prefetch_related("lines"):
        lines = [
            (ln.program, ln.basis, ln.rate, ln.flat_amount, ln.employer_share, ln.worker_share, ln.amount,
             ln.legal_basis)
            for ln in sorted(bill.lines.all(), key=lambda line: line.pk)
        ]  # fmt: skip
        out[bill.participant_id] = (
            bill.category, bill.income_basis, bill.amount, bill.employer_amount, bill.worker_amount,
            bill.paid_amount, bill.due_date, bill.settled_on, lines,
        )  # fmt: skip
    return out


def one_by_one(month):
    """The per-participant path: the calculator for each billable participant in turn."""
    problems = {}
    billable = Participant.objects.filter(
        status=Status.ACTIVE, registration_date__lte=monthly.month_end(month)
    ).exclude(bills__month=month)
    for participant in billable.order_by("pk"):
        try:
            bills_ensure(participant, [month])
        except ValidationError as exc:
            problems[participant.pk] = "; ".join(exc.messages)
    return snapshot(month), problems


@pytest.mark.parametrize("month", [MARCH, datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)])
def test_the_set_based_run_writes_what_the_per_participant_path_writes(registry, month, monkeypatch):
    monkeypatch.setattr(monthly, "CHUNK", 4)  # several chunks, each its own transaction and event
    result = bills_generate(month=month)
    bills = snapshot(month)
    assert result.created == len(bills) > 10
    assert len({len(lines) for *_, lines in bills.values()}) >= 3  # 2, 3, 4 and 5 programs
    Bill.objects.filter(month=month).delete()
    expected_bills, expected_problems = one_by_one(month)
    assert bills == expected_bills
    assert result.problems == expected_problems and len(expected_problems) >= 5


def test_the_rules_of_the_bills_own_month_apply(registry):
    # JKP for wage earners was 0.46 % up to February 2025 and 0.36 % from March 2025.
    bills_generate(month=datetime.date(2025, 2, 1))
    bills_generate(month=datetime.date(2025, 3, 1))
    rates = set(
        Bill.objects.filter(lines__program="jkp").values_list("month", "lines__rate").distinct().order_by("month")
    )
    assert rates == {(datetime.date(2025, 2, 1), Decimal("0.46")), (datetime.date(2025, 3, 1), Decimal("0.36"))}


def test_a_rule_changed_from_a_month_on_bills_that_month_only(registry):
    amend_informal_jkm(7_500, datetime.date(2026, 4, 1))
    bills_generate(month=MARCH)
    bills_generate(month=datetime.date(2026, 4, 1))
    flat = dict(
        Bill.objects.filter(lines__program="jkm", category="informal").values_list("month", "lines__flat_amount")
    )
    assert flat == {MARCH: 6_800, datetime.date(2026, 4, 1): 7_500}


def test_a_rerun_creates_nothing_and_keeps_bills_issued_before(registry):
    early = informal_participant(declared_income=1_000_000)
    kept = bills_ensure(early, [MARCH])[0]
    Bill.objects.filter(pk=kept.pk).update(amount=99_999)  # issued under other figures: never recomputed
    first = bills_generate(month=MARCH)
    events = DomainEvent.objects.filter(kind="bills.generated").count()
    before = snapshot(MARCH)
    again = bills_generate(month=MARCH)
    assert again.created == 0 and again.already_billed == first.already_billed + first.created
    assert snapshot(MARCH) == before and Bill.objects.get(pk=kept.pk).amount == 99_999
    assert DomainEvent.objects.filter(kind="bills.generated").count() == events


def test_each_chunk_is_one_event_naming_its_participants(registry, monkeypatch):
    monkeypatch.setattr(monthly, "CHUNK", 5)
    progress = []
    result = bills_generate(month=MARCH, report=lambda done, total: progress.append((done, total)))
    events = list(DomainEvent.objects.filter(kind="bills.generated").order_by("pk"))
    named = [pk for event in events for pk in event.payload.get("participant_ids", [event.participant_id])]
    assert sorted(named) == sorted(Bill.objects.filter(month=MARCH).values_list("participant_id", flat=True))
    assert sum(event.payload["bills"] for event in events) == result.created
    billable = result.created  # the problems are known before the chunks start
    assert progress == [(min(done, billable), billable) for done in range(5, billable + 5, 5)]


def test_a_participant_billed_meanwhile_is_skipped_not_doubled(registry):
    census = monthly.census(MARCH, None)
    plan = monthly.plan(list(census.by_key), MARCH, rules_in_force(MARCH))
    ids = census.ids(plan.computed)
    meanwhile = Participant.objects.get(pk=ids[0])
    bills_ensure(meanwhile, [MARCH])  # e.g. an activation between the run's start and this chunk
    with monthly.run_tables(plan):
        created = monthly.bill_chunk(ids, MARCH)
    assert meanwhile.pk not in {bill.participant_id for bill in created}
    assert Bill.objects.filter(participant=meanwhile, month=MARCH).count() == 1


def test_only_the_given_participants_are_billed(registry):
    some = list(Participant.objects.filter(status=Status.ACTIVE).order_by("pk").values_list("pk", flat=True)[:3])
    result = bills_generate(month=MARCH, participant_ids=some)
    assert set(Bill.objects.values_list("participant_id", flat=True)) == set(some) - set(result.problems)
