import pytest
from django.core.exceptions import PermissionDenied

from lindung.billing.tests.factories import informal_participant
from lindung.messaging.consent import consent_record, consent_withdraw, participant_may_be_messaged
from lindung.messaging.models import Channel, ConsentRecord, ConsentScope
from lindung.participants import services as participant_services

pytestmark = pytest.mark.django_db


def test_nobody_may_be_messaged_without_a_consent_fact(coord_a):
    participant = informal_participant(coordinator=coord_a)
    assert not participant_may_be_messaged(participant, Channel.WHATSAPP)
    assert not participant_may_be_messaged(participant.pk, Channel.SMS)


def test_consent_given_on_the_participant_record_lands_in_the_ledger_and_withdrawal_too(coord_a):
    participant = informal_participant(coordinator=coord_a)
    participant_services.participant_update(
        actor=coord_a, participant=participant, data={"contact_consent": True, "consent_method": "paper_form"}
    )
    record = ConsentRecord.objects.get(participant=participant)
    assert (record.given, record.channel, record.method, record.recorded_by) == (True, "all", "paper_form", coord_a)
    assert participant_may_be_messaged(participant, Channel.WHATSAPP)
    assert participant_may_be_messaged(participant, Channel.SMS)

    participant.refresh_from_db()
    participant_services.participant_update(actor=coord_a, participant=participant, data={"contact_consent": False})
    assert ConsentRecord.objects.filter(participant=participant).count() == 2
    assert not participant_may_be_messaged(participant, Channel.WHATSAPP)


def test_the_latest_fact_covering_the_channel_decides(coord_a):
    participant = informal_participant(coordinator=coord_a)
    consent_record(actor=coord_a, participant=participant, given=True, method="verbal", evidence="witnessed")
    consent_withdraw(actor=coord_a, participant=participant, channel=ConsentScope.SMS, method="ui")
    assert participant_may_be_messaged(participant, Channel.WHATSAPP)
    assert not participant_may_be_messaged(participant, Channel.SMS)
    # STOP: every channel at once.
    consent_withdraw(actor=None, participant=participant, method="reply_stop", evidence="BERHENTI")
    assert not participant_may_be_messaged(participant, Channel.WHATSAPP)
    assert not participant_may_be_messaged(participant, Channel.SMS)


def test_another_coordinator_may_not_record_or_withdraw_consent(coord_a, coord_b):
    participant = informal_participant(coordinator=coord_a)
    with pytest.raises(PermissionDenied):
        consent_record(actor=coord_b, participant=participant, given=True, method="verbal")
    with pytest.raises(PermissionDenied):
        consent_withdraw(actor=coord_b, participant=participant, method="ui")
    assert not ConsentRecord.objects.exists()
    consent_withdraw(actor=coord_a, participant=participant, method="ui")
    assert ConsentRecord.objects.count() == 1


def test_backfill_gives_the_ledger_the_participants_who_agreed(coord_a):
    import importlib

    from django.apps import apps

    agreed = informal_participant(coordinator=coord_a, contact_consent=True, consent_method="verbal")
    informal_participant(coordinator=coord_a, contact_consent=False)
    migration = importlib.import_module("lindung.messaging.migrations.0002_backfill_consent")
    migration.backfill(apps, None)
    record = ConsentRecord.objects.get()
    assert (record.participant, record.given, record.channel, record.method) == (agreed, True, "all", "verbal")
    assert participant_may_be_messaged(agreed, Channel.SMS)
