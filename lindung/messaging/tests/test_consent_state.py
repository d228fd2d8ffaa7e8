"""ConsentState, the latest consent fact per participant and channel, always equals the
ledger's latest row covering the channel: after gives, withdrawals, back-dated facts,
STOP and MULAI replies and the participant form; the backfill migration computes the
same; segment filters read it."""

import datetime
import importlib
import random

import pytest
from django.db import connection
from django.utils import timezone

from lindung.core import access
from lindung.messaging.campaigns.segments import segment_queryset
from lindung.messaging.consent import consent_record, consent_withdraw, latest_consent
from lindung.messaging.inbox.receive import inbound_receive
from lindung.messaging.models import Channel, ConsentScope, ConsentState
from lindung.participants.models import Participant

from .helpers import consenting, many_consenting, use_scripted

pytestmark = pytest.mark.django_db
backfill = importlib.import_module("lindung.messaging.migrations.0009_backfill_consent_state")


def ledger_says(participant_ids) -> dict[tuple[int, str], bool]:
    """The ledger's own answer, read the slow way: the latest row covering each channel."""
    answer = {}
    for pk in participant_ids:
        for channel in Channel.values:
            record = latest_consent(pk, channel)
            if record is not None:
                answer[(pk, channel)] = record.given
    return answer


def state_says(participant_ids) -> dict[tuple[int, str], bool]:
    rows = ConsentState.objects.filter(participant_id__in=participant_ids)
    return {(r.participant_id, r.channel): r.given for r in rows}


def test_random_sequences_of_gives_and_withdrawals_keep_the_state_equal_to_the_ledger(coord_a, admin):
    people = [consenting(coord_a) for _ in range(4)]
    ids = [p.pk for p in people]
    rng = random.Random(20261205)  # seeded: the same sequences every run
    now = timezone.now()
    for step in range(80):
        person = rng.choice(people)
        scope = rng.choice(ConsentScope.values)
        # Some facts are recorded late, with the time they happened (a paper form).
        at = now + datetime.timedelta(minutes=step) - datetime.timedelta(minutes=rng.choice([0, 0, 0, 30, 90]))
        if rng.random() < 0.5:
            consent_record(actor=admin, participant=person, given=True, channel=scope, method="paper_form", at=at)
        else:
            consent_withdraw(actor=admin, participant=person, channel=scope, method="phone_call")
        assert state_says(ids) == ledger_says(ids), f"after step {step}"


def test_a_back_dated_fact_does_not_override_a_newer_one(coord_a, admin):
    person = consenting(coord_a)
    consent_withdraw(actor=admin, participant=person, method="phone_call")
    consent_record(
        actor=admin,
        participant=person,
        given=True,
        method="paper_form",
        at=timezone.now() - datetime.timedelta(days=3),
    )
    assert state_says([person.pk]) == {(person.pk, "whatsapp"): False, (person.pk, "sms"): False}


def test_stop_and_mulai_replies_move_the_state_with_the_ledger(settings, coord_a):
    use_scripted(settings)
    person = consenting(coord_a, phone="+6281311112222")
    inbound_receive(channel="whatsapp", message_id="in.1", from_number="081311112222", text="STOP")
    assert (
        state_says([person.pk])
        == ledger_says([person.pk])
        == {
            (person.pk, "whatsapp"): False,
            (person.pk, "sms"): False,
        }
    )
    inbound_receive(channel="whatsapp", message_id="in.2", from_number="081311112222", text="MULAI")
    assert state_says([person.pk]) == ledger_says([person.pk])
    assert set(state_says([person.pk]).values()) == {True}


def test_the_participant_forms_consent_event_moves_the_state(coord_a):
    from lindung.core import events

    person = consenting(coord_a)
    events.emit("participant.consent_withdrawn", actor=None, participant_ids=[person.pk], subject=person)
    assert state_says([person.pk]) == ledger_says([person.pk])
    assert set(state_says([person.pk]).values()) == {False}


def test_the_backfill_computes_what_the_writer_keeps(coord_a, admin):
    ids = many_consenting(coord_a, 30)
    people = list(Participant.objects.filter(pk__in=ids[:10]))
    for n, person in enumerate(people):
        consent_withdraw(actor=admin, participant=person, channel=["all", "sms", "whatsapp"][n % 3], method="x")
    kept = state_says(ids)
    ConsentState.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(backfill.BACKFILL)  # what the migration's forwards() runs
    assert state_says(ids) == kept == ledger_says(ids)


def test_the_segment_consent_filter_reads_the_state_not_the_ledger(coord_a, admin):
    yes, no = consenting(coord_a), consenting(coord_a)
    consent_withdraw(actor=admin, participant=no, channel="whatsapp", method="phone_call")
    principal = access.principal_of(admin)
    given = segment_queryset(principal, {"consent": "given"})
    not_given = segment_queryset(principal, {"consent": "not_given"})
    assert set(given.values_list("pk", flat=True)) == {yes.pk}
    assert no.pk in set(not_given.values_list("pk", flat=True)) and yes.pk not in set(
        not_given.values_list("pk", flat=True)
    )
    sql = str(given.query)
    assert "messaging_consentstate" in sql and "messaging_consentrecord" not in sql


def test_rebuilding_corrects_a_stale_state_and_changes_nothing_else(coord_a, admin):
    from django.core.management import call_command

    from lindung.messaging.models import ConsentRecord

    keep, stale = consenting(coord_a), consenting(coord_a)
    # What the old code did during a deploy: a ledger row written without the state.
    ConsentRecord.objects.create(participant=stale, channel="all", given=False, at=timezone.now(), method="old")
    assert state_says([stale.pk]) != ledger_says([stale.pk])
    before = {(r.participant_id, r.channel): (r.pk, r.ledger_id) for r in ConsentState.objects.filter(participant=keep)}
    call_command("rebuild_consent_state")
    assert state_says([keep.pk, stale.pk]) == ledger_says([keep.pk, stale.pk])
    after = {(r.participant_id, r.channel): (r.pk, r.ledger_id) for r in ConsentState.objects.filter(participant=keep)}
    assert after == before
