"""The tallies stay equal to a recount after every kind of write the services make."""

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from lindung.billing.arrears.table import arrears_rebuild
from lindung.billing.bills.coverage import coverage_refresh_many
from lindung.billing.bills.services import bills_generate
from lindung.billing.models import Bill
from lindung.billing.payments.services import PaymentInput, payment_record, payment_reverse
from lindung.billing.tests.factories import cash_method, informal_participant
from lindung.communities.models import CommunityGroup
from lindung.contributions.calculator import add_months, month_start
from lindung.core.tests.factories import mandau_village
from lindung.participants import services
from lindung.participants.models import Participant, Sex, Status
from lindung.participants.tests.factories import make_nik
from lindung.tallies.models import ArrearsTally, MonthTally, ParticipantTally, PaymentTally
from lindung.tallies.rebuild import differences, rebuild_tallies

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_MONTH = month_start(TODAY)


def pay(actor, participant, amount, paid_on=TODAY, **extra):
    data = PaymentInput(amount=amount, paid_on=paid_on, method=cash_method(), **extra)
    return payment_record(actor=actor, participant=participant, data=data, submission_key=uuid.uuid4().hex)


def agree():
    assert differences() == {}


@pytest.fixture
def world(coord_a, coord_b):
    a1 = informal_participant(coordinator=coord_a, registration_date=datetime.date(TODAY.year, 1, 1))
    b1 = informal_participant(coordinator=coord_b, village=mandau_village(), registration_date=THIS_MONTH)
    for offset in (-2, -1, 0):
        bills_generate(month=add_months(THIS_MONTH, offset))
    arrears_rebuild()  # the arrears table (and its tally) is kept from here on
    return {"a1": a1, "b1": b1}


def registration_row(n, village):
    birth = datetime.date(1990, 5, 6)
    return {
        "nik": make_nik(birth, Sex.MALE, 700 + n),
        "full_name": f"Tally {n}",
        "birth_place": "Bengkalis",
        "birth_date": birth,
        "sex": Sex.MALE,
        "address": "Jl. Baru",
        "village": village,
    }


def test_bills_and_payments_are_counted(world, coord_a):
    agree()
    assert MonthTally.objects.get(coordinator_id=coord_a.pk, month=THIS_MONTH).billed > 0
    pay(coord_a, world["a1"], 5_000)
    agree()
    tally = PaymentTally.objects.get(coordinator_id=coord_a.pk, month=THIS_MONTH)
    assert (tally.records, tally.received, tally.amount, tally.collected_by_id) == (1, 1, 5_000, coord_a.pk)
    paid = sum(b.paid_amount for b in Bill.objects.filter(participant=world["a1"]))
    assert sum(t.paid for t in MonthTally.objects.filter(coordinator_id=coord_a.pk)) == paid == 5_000
    month = MonthTally.objects.get(coordinator_id=coord_a.pk, month=THIS_MONTH)
    assert (month.payment_records, month.payments_received, month.payments_amount) == (1, 1, 5_000)


def test_prepayment_and_reversal(world, coord_a, admin):
    owed = sum(b.amount for b in Bill.objects.filter(participant=world["a1"]))
    # Three months ahead from this one: this month is billed already, two more are issued.
    payment = pay(coord_a, world["a1"], owed + 2 * 16_800, prepaid_months=3)
    agree()
    payment_reverse(actor=admin, payment=payment, reason="wrong person")
    agree()
    # The reversal is the admin's record: another key, and the month nets to zero.
    rows = PaymentTally.objects.filter(coordinator_id=coord_a.pk, month=THIS_MONTH)
    assert sorted((t.recorded_by_id, t.records, t.received, t.amount) for t in rows) == sorted(
        [(coord_a.pk, 1, 1, payment.amount), (admin.pk, 1, 0, -payment.amount)]
    )


def test_registration_update_and_delete(coord_a, admin):
    result = services.participant_register(actor=coord_a, data=registration_row(1, mandau_village()))
    agree()
    participant = result.participant
    group = CommunityGroup.objects.create(name="Nelayan", coordinator=coord_a, village=participant.village)
    services.participant_update(
        actor=admin, participant=participant, data={"community_group": group, "status": Status.ACTIVE}
    )
    agree()
    assert ParticipantTally.objects.get(group_id=group.pk, status=Status.ACTIVE).participants == 1
    services.participant_update(
        actor=admin, participant=participant, data={"status": Status.EXITED}, reason="moved to Malaysia"
    )
    agree()
    assert ParticipantTally.objects.get(group_id=group.pk, status=Status.EXITED).participants == 1
    draft = services.participant_register(actor=coord_a, data=registration_row(2, mandau_village())).participant
    services.participant_update(
        actor=coord_a, participant=draft, data={"community_group": group, "status": Status.DRAFT}
    )
    agree()
    services.participant_delete(actor=admin, participant=Participant.objects.get(pk=draft.pk))
    agree()
    assert (
        not ParticipantTally.objects.filter(status__in=[Status.DRAFT, Status.SUBMITTED])
        .exclude(participants=0)
        .exists()
    )
    assert MonthTally.objects.exclude(registrations=0).get().registrations == 1


def test_bulk_import_update_and_reassignment(world, admin, coord_a, coord_b):
    created = services.participants_register_bulk(
        actor=admin, rows=[registration_row(n, world["a1"].village) for n in range(5)], coordinator=coord_a
    )
    agree()
    changes = [(p, {"village": mandau_village(), "status": Status.ACTIVE}) for p in created[:3]]
    services.participants_update_bulk(actor=admin, changes=changes)
    agree()
    pay(coord_a, world["a1"], 10_000)
    services.participants_reassign(
        actor=admin, participants=Participant.objects.filter(coordinator=coord_a), to_coordinator=coord_b
    )
    agree()
    assert not PaymentTally.objects.filter(coordinator_id=coord_a.pk).exclude(records=0).exists()
    assert PaymentTally.objects.get(coordinator_id=coord_b.pk, month=THIS_MONTH).amount == 10_000


def test_coverage_lapse_moves_status(world, coord_a):
    # Three months unpaid and past due: the lapse rule makes the participant non-active.
    coverage_refresh_many([world["a1"].pk, world["b1"].pk], on=add_months(THIS_MONTH, 2))
    agree()


def test_rebuild_corrects_a_tally_written_behind_the_services_back(world, coord_a):
    ParticipantTally.objects.filter(coordinator_id=coord_a.pk).update(participants=99)
    MonthTally.objects.update(billed=0)
    assert set(differences()) == {"participants", "bills"}
    result = rebuild_tallies()
    assert result["corrected"] >= 2
    agree()


def test_check_command_reports_and_fails_on_differences(world, coord_a, capsys):
    call_command("rebuild_tallies", "--check")
    assert "agree" in capsys.readouterr().out
    ParticipantTally.objects.filter(coordinator_id=coord_a.pk).update(participants=99)
    with pytest.raises(SystemExit):
        call_command("rebuild_tallies", "--check")
    assert "participants: 1 keys differ" in capsys.readouterr().out
    call_command("rebuild_tallies")
    agree()


def test_nightly_task_recounts_and_says_what_it_corrected(world, coord_a, settings):
    from lindung.tallies.models import TallyRebuild
    from lindung.tallies.tasks import rebuild_tallies_task

    assert "tallies-rebuild" in settings.CELERY_BEAT_SCHEDULE
    MonthTally.objects.filter(coordinator_id=coord_a.pk).delete()
    result = rebuild_tallies_task()
    assert result is not None and result["corrected"] >= 1
    assert TallyRebuild.objects.latest().corrected == result["corrected"]
    agree()


def test_a_payment_that_reactivates_moves_the_status_tally(world, coord_a, admin):
    a1 = world["a1"]
    services.participant_update(
        actor=admin, participant=a1, data={"status": Status.NON_ACTIVE}, reason="no payment for three months"
    )
    agree()
    owed = sum(b.amount for b in Bill.objects.filter(participant=a1))
    pay(coord_a, Participant.objects.get(pk=a1.pk), owed)
    assert Participant.objects.get(pk=a1.pk).status == Status.ACTIVE
    agree()
    assert ParticipantTally.objects.get(coordinator_id=coord_a.pk, status=Status.ACTIVE).participants == 1


def test_arrears_tally_follows_payments_and_a_late_bill(world, coord_a, admin):
    late_before = sum(t.participants for t in ArrearsTally.objects.filter(coordinator_id=coord_a.pk))
    assert late_before == 1  # a1 owes the months already past due
    owed = sum(b.amount for b in Bill.objects.filter(participant=world["a1"]))
    payment = pay(coord_a, world["a1"], owed)
    agree()
    assert not ArrearsTally.objects.filter(coordinator_id=coord_a.pk).exclude(participants=0).exists()
    payment_reverse(actor=admin, payment=payment, reason="bounced")
    agree()
    # A month billed late (three months ago, never billed) is past due at once.
    bills_generate(month=add_months(THIS_MONTH, -3))
    agree()


@pytest.mark.parametrize("who", ["admin", "coord_a", "coord_b"])
def test_arrears_page_summary_from_the_tally_equals_the_rows(who, world, request):
    from django.urls import reverse

    from lindung.billing.arrears.selectors import ageing_summary, arrears_by_participant
    from lindung.core.tests.clients import login_client
    from lindung.tallies.readers import ageing_from_tallies

    user = request.getfixturevalue(who)
    district = world["b1"].district_id
    for filters in ({}, {"district": district}, {"coordinator": world["a1"].coordinator_id}, {"bucket": "2"}):
        rows = arrears_by_participant(user, filters, TODAY)
        assert ageing_from_tallies(user, filters) == ageing_summary(rows), filters
    # Filters that are not tally keys are left to the rows.
    assert ageing_from_tallies(user, {"village": world["a1"].village_id}) is None
    assert ageing_from_tallies(user, {"status": Status.ACTIVE}) is None
    page = login_client(user).get(reverse("billing:arrears"))
    shown = {key: figures for _label, key, figures in page.context["summary"]}
    assert shown == ageing_summary(arrears_by_participant(user, {}, TODAY))


def test_a_bill_run_bigger_than_one_read_keeps_the_tallies_exact(coord_a, coord_b, monkeypatch):
    # Chunks of the run and of the tallies' reads far smaller than the participants, so
    # one tally key (coordinator, month) is met in several reads and must add up.
    from lindung.billing.bills import monthly
    from lindung.tallies import maintain

    monkeypatch.setattr(monthly, "CHUNK", 7)
    monkeypatch.setattr(maintain, "READ_CHUNK", 2)
    monkeypatch.setattr(maintain, "ROWS_CHUNK", 3)
    monkeypatch.setattr(maintain, "UPSERT_ROWS", 2)
    for n in range(12):
        informal_participant(coordinator=coord_a if n % 3 else coord_b, registration_date=datetime.date(2025, 1, 1))
    arrears_rebuild()
    for offset in (-1, 0):
        assert bills_generate(month=add_months(THIS_MONTH, offset)).created == 12
    agree()
