"""The nightly recount writes only the keys that are wrong, and stays exact when payments
are recorded while it runs."""

import datetime
import threading
import uuid

import pytest
from django.db import connection, connections
from django.utils import timezone

from lindung.billing.bills.jobs import rebuild_arrears
from lindung.billing.bills.services import bills_generate
from lindung.billing.payments.services import PaymentInput, payment_record
from lindung.billing.tests.factories import cash_method, informal_participant
from lindung.contributions.calculator import add_months, month_start
from lindung.tallies.models import MonthTally, ParticipantTally, PaymentTally
from lindung.tallies.rebuild import apply_corrections, corrections, differences, rebuild_tallies

THIS_MONTH = month_start(timezone.localdate())


def pay(actor, participant, amount):
    data = PaymentInput(amount=amount, paid_on=timezone.localdate(), method=cash_method())
    return payment_record(actor=actor, participant=participant, data=data, submission_key=uuid.uuid4().hex)


def everything():
    return {
        (model.__name__, row["id"]): row
        for model in (ParticipantTally, MonthTally, PaymentTally)
        for row in model.objects.values()
    }


@pytest.fixture
def registry(coord_a, coord_b):
    people = [
        informal_participant(coordinator=c, registration_date=datetime.date(2025, 3, 1)) for c in (coord_a, coord_b)
    ]
    for offset in (-2, -1, 0):
        bills_generate(month=add_months(THIS_MONTH, offset))
    pay(coord_a, people[0], 20_000)
    assert differences() == {}
    return people


def corrupt(coord_a) -> set[tuple[str, int]]:
    """Three keys wrong in three ways: a figure off, a row gone, a row that should not be."""
    off = ParticipantTally.objects.get(coordinator_id=coord_a.pk)
    ParticipantTally.objects.filter(pk=off.pk).update(participants=off.participants + 5)
    gone = MonthTally.objects.filter(coordinator_id=coord_a.pk, month=THIS_MONTH).get()
    gone.delete()
    bogus = PaymentTally.objects.create(
        coordinator_id=coord_a.pk, district_id="", group_id=0, month=datetime.date(2020, 1, 1),
        recorded_by_id=0, collected_by_id=0, records=1, received=1, amount=7,
    )  # fmt: skip
    return {("ParticipantTally", off.pk), ("MonthTally", gone.pk), ("PaymentTally", bogus.pk)}


@pytest.mark.django_db
def test_recount_writes_only_the_keys_that_are_wrong(registry, coord_a):
    touched = corrupt(coord_a)
    before = everything()

    result = rebuild_tallies()

    assert result["written"] == 3
    assert differences() == {}
    after = everything()
    untouched = {key: row for key, row in before.items() if key not in touched}
    assert untouched and all(after[key] == row for key, row in untouched.items())  # same rows, same ids
    assert ("PaymentTally", next(pk for name, pk in touched if name == "PaymentTally")) not in after  # zero: gone
    assert rebuild_tallies()["written"] == 0  # nothing left to fix


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_payment_between_the_recount_and_its_writes_is_not_lost_or_doubled(registry, coord_a):
    """The corrections are read in one snapshot (outside any transaction, as the nightly
    task runs); a payment for the very keys being corrected commits before they are
    written; the result is still exactly a recount."""
    corrupt(coord_a)
    found = corrections()
    assert found

    pay(coord_a, registry[0], 30_000)  # moves MonthTally (paid, payments) and PaymentTally of coord_a
    apply_corrections(found)

    assert differences() == {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_recount_under_concurrent_payments_stays_exact(registry, coord_a, coord_b):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (the SQLite test database is one in-memory connection)")
    corrupt(coord_a)
    errors: list[BaseException] = []
    stop = threading.Event()

    def payments() -> None:
        try:
            for n in range(40):
                if stop.is_set():
                    break
                pay((coord_a, coord_b)[n % 2], registry[n % 2], 1_000 + n)
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()

    writer = threading.Thread(target=payments)
    writer.start()
    try:
        for _ in range(3):
            rebuild_tallies()
    finally:
        writer.join(timeout=120)
        stop.set()
    assert not writer.is_alive() and errors == []
    assert differences() == {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_arrears_recount_vacuums_its_table_on_postgresql(registry):
    result = rebuild_arrears()
    if connection.vendor != "postgresql":
        assert result["vacuumed"] is False
        pytest.skip("VACUUM is PostgreSQL's")
    assert result["vacuumed"] is True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_vacuum, last_analyze FROM pg_stat_user_tables WHERE relname = 'billing_participantarrears'"
        )
        last_vacuum, last_analyze = cursor.fetchone()
    assert last_vacuum is not None and last_analyze is not None
