import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from lindung.billing.bills.services import bills_generate
from lindung.billing.models import Bill
from lindung.core.models import DomainEvent
from lindung.messaging.consent import consent_withdraw
from lindung.messaging.dispatch import claim, dispatch_batch, dispatch_until_idle, reap, settle_unknown
from lindung.messaging.models import OutboxAttempt, OutboxMessage, Outcome, Sender, SourcePause, Status
from lindung.messaging.outbox import move
from lindung.messaging.providers import SendResult, classify

from .helpers import consenting, enqueue, use_scripted

pytestmark = pytest.mark.django_db


def test_one_row_per_participant_bill_stage_and_channel_even_without_a_bill(coord_a, settings):
    use_scripted(settings)
    participant = consenting(coord_a)
    assert enqueue(participant) == 1
    assert enqueue(participant) == 0
    assert enqueue(participant, channel="sms") == 1
    assert enqueue(participant, stage="late_3") == 1
    assert OutboxMessage.objects.count() == 3


def test_a_queued_message_is_sent_once_and_a_second_run_does_nothing(coord_a, settings):
    provider = use_scripted(settings)
    participant = consenting(coord_a)
    enqueue(participant)
    first = dispatch_until_idle()
    second = dispatch_until_idle()
    row = OutboxMessage.objects.get()
    assert (first.sent, second.claimed) == (1, 0)
    assert row.status == Status.SENT and row.provider_message_id.startswith("wamid.")
    assert row.to_number == "+6281234567890" and row.sent_at is not None
    assert provider.calls == {row.pk: 1}
    assert list(row.attempts.values_list("number", "outcome")) == [(1, "accepted")]


def test_statuses_only_move_forward_and_a_repeated_change_does_nothing(coord_a, settings):
    use_scripted(settings)
    enqueue(consenting(coord_a))
    dispatch_until_idle()
    row = OutboxMessage.objects.get()
    assert move(row.pk, Status.READ)
    assert not move(row.pk, Status.DELIVERED)  # read never becomes delivered
    assert not move(row.pk, Status.READ)
    assert not move(row.pk, Status.SENDING)
    assert OutboxMessage.objects.get().status == Status.READ


def test_rows_are_checked_again_just_before_sending_and_skips_are_counted(coord_a, settings):
    provider = use_scripted(settings)
    opted_out = consenting(coord_a)
    never_agreed = consenting(coord_a)
    no_phone = consenting(coord_a, phone="")
    invalid = consenting(coord_a, phone="+62211")
    paid = consenting(coord_a, registration_date=datetime.date(2026, 1, 5))
    bills_generate(month=datetime.date(2026, 1, 1))
    bill = Bill.objects.get(participant=paid)
    for participant in (opted_out, never_agreed, no_phone, invalid):
        enqueue(participant)
    enqueue(paid, bill=bill)
    # After planning: one says stop, one never agreed, one pays.
    consent_withdraw(actor=None, participant=opted_out, method="reply_stop")
    consent_withdraw(actor=None, participant=never_agreed, method="ui")
    Bill.objects.filter(pk=bill.pk).update(paid_amount=bill.amount, settled_on=datetime.date(2026, 1, 10))

    tally = dispatch_until_idle()
    assert dict(tally.skipped) == {"no_consent": 2, "no_phone": 1, "invalid_number": 1, "paid": 1}
    assert not provider.calls
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SKIPPED}
    assert OutboxMessage.objects.get(participant=paid).skip_reason == "paid"


def test_throttling_and_server_errors_retry_with_backoff_then_send(coord_a, settings):
    provider = use_scripted(settings)
    provider.script = [
        SendResult(Outcome.RETRY, http_status=429, error_code="130429", detail="rate limit"),
        SendResult(Outcome.RETRY, http_status=503, detail="unavailable"),
    ]
    enqueue(consenting(coord_a))
    tally = dispatch_until_idle()
    row = OutboxMessage.objects.get()
    assert (tally.retried, tally.sent, row.status) == (2, 1, Status.SENT)
    assert list(row.attempts.values_list("outcome", flat=True)) == ["retry", "retry", "accepted"]
    assert provider.calls == {row.pk: 3}


def test_backoff_waits_in_the_queue(coord_a, settings):
    provider = use_scripted(settings, BACKOFF_BASE_SECONDS=60.0, BACKOFF_MAX_SECONDS=3600.0)
    provider.script = [SendResult(Outcome.RETRY, http_status=500)]
    enqueue(consenting(coord_a))
    dispatch_until_idle()
    row = OutboxMessage.objects.get()
    assert row.status == Status.QUEUED and row.lease_owner == ""
    assert timezone.now() + timedelta(seconds=25) < row.not_before < timezone.now() + timedelta(seconds=61)
    assert dispatch_until_idle().claimed == 0  # not due yet


def test_a_permanent_whatsapp_error_falls_back_to_sms_once(coord_a, settings):
    provider = use_scripted(settings)
    provider.script = [SendResult(Outcome.PERMANENT, http_status=400, error_code="131026", detail="undeliverable")]
    participant = consenting(coord_a)
    enqueue(participant)
    dispatch_until_idle()
    whatsapp = OutboxMessage.objects.get(channel="whatsapp")
    sms = OutboxMessage.objects.get(channel="sms")
    assert (whatsapp.status, whatsapp.error_code) == (Status.FAILED, "131026")
    assert (sms.status, sms.fallback_of, sms.body) == (Status.SENT, whatsapp, whatsapp.body)
    assert [m.channel for m in provider.sent] == ["whatsapp", "sms"]


def test_a_quality_signal_pauses_the_group_and_tells_the_admins(coord_a, settings, caplog):
    provider = use_scripted(settings)
    provider.script = [SendResult(Outcome.PAUSE, http_status=400, error_code="131048", detail="spam rate limit")]
    first, second = consenting(coord_a), consenting(coord_a)
    enqueue(first, source="policy-2026-01")
    enqueue(second, source="policy-2026-01")
    tally = dispatch_batch(batch=1)
    assert tally.paused == 1
    assert SourcePause.objects.get().source == "policy-2026-01"
    assert "messaging paused policy-2026-01" in caplog.text
    assert DomainEvent.objects.filter(kind="messaging.paused").exists()
    assert dispatch_until_idle().claimed == 0
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.QUEUED}  # waiting, not failed
    SourcePause.objects.all().delete()  # an administrator resumes
    assert dispatch_until_idle().sent == 2


def test_the_token_bucket_makes_the_rest_wait_in_the_queue(coord_a, settings):
    provider = use_scripted(settings, RATE_PER_SECOND=2)
    for _ in range(5):
        enqueue(consenting(coord_a))
    tally = dispatch_batch()
    assert (tally.sent, tally.waiting, tally.rate_limited) == (2, 3, 3)
    waiting = OutboxMessage.objects.filter(status=Status.QUEUED)
    assert waiting.count() == 3 and all(r.not_before is not None for r in waiting)
    assert dispatch_until_idle().sent == 3  # the bucket refills within seconds
    assert sum(provider.calls.values()) == 5


def test_the_reaper_returns_unstarted_leases_and_marks_started_ones_unknown(coord_a, settings):
    provider = use_scripted(settings, UNKNOWN_GRACE_SECONDS=600)
    for _ in range(2):
        enqueue(consenting(coord_a))
    started, untouched = claim(owner="doomed", batch=10)
    # The worker wrote its attempt for the first, then died (in the HTTP call or before).
    OutboxAttempt.objects.create(message=started, number=1, provider="scripted", started_at=timezone.now())
    assert reap() == 0  # leases still valid
    later = timezone.now() + timedelta(hours=1)
    assert reap(now=later) == 2
    started.refresh_from_db()
    untouched.refresh_from_db()
    assert (started.status, untouched.status) == (Status.UNKNOWN, Status.QUEUED)
    assert started.attempts.get().outcome == Outcome.UNKNOWN
    # Not sent blindly: only the untouched one goes; the unknown one waits for webhooks.
    assert dispatch_until_idle().sent == 1
    assert provider.calls == {untouched.pk: 1}
    # No webhook ever confirmed it within the grace period: the provider never took it.
    assert settle_unknown(now=later + timedelta(minutes=9)) == 0
    assert settle_unknown(now=later + timedelta(minutes=11)) == 1
    assert dispatch_until_idle().sent == 1
    assert provider.calls == {untouched.pk: 1, started.pk: 1}


def test_a_provider_exception_is_unknown_not_resent(coord_a, settings, monkeypatch):
    provider = use_scripted(settings)

    def boom(self, message):
        raise RuntimeError("socket closed")

    monkeypatch.setattr(provider, "send", boom)
    enqueue(consenting(coord_a))
    tally = dispatch_until_idle()
    assert tally.unknown == 1
    assert OutboxMessage.objects.get().status == Status.UNKNOWN
    assert dispatch_until_idle().claimed == 0


@pytest.mark.parametrize(
    ("http_status", "code", "outcome"),
    [
        (429, None, Outcome.RETRY),
        (400, 130429, Outcome.RETRY),
        (400, 131056, Outcome.RETRY),
        (500, None, Outcome.RETRY),
        (503, 131000, Outcome.RETRY),
        (None, None, Outcome.RETRY),  # timeout before an answer
        (400, 131026, Outcome.PERMANENT),
        (400, 132000, Outcome.PERMANENT),
        (400, 131047, Outcome.PERMANENT),
        (400, 131048, Outcome.PAUSE),
        (400, 131049, Outcome.PAUSE),
    ],
)
def test_provider_errors_are_classified_as_the_architecture_lists(http_status, code, outcome):
    assert classify(http_status, code) == outcome


def test_a_coordinator_may_not_queue_messages(coord_a):
    from django.core.exceptions import PermissionDenied

    from lindung.messaging.outbox import NewMessage, outbox_enqueue

    participant = consenting(coord_a)
    with pytest.raises(PermissionDenied):
        outbox_enqueue(actor=coord_a, messages=[NewMessage(participant_id=participant.pk, channel="sms", stage="x")])
    assert not OutboxMessage.objects.exists()


def test_a_quality_signal_without_a_source_pauses_the_sender_and_rows_wait(coord_a, settings):
    provider = use_scripted(settings)
    provider.script = [SendResult(Outcome.PAUSE, http_status=400, error_code="131049", detail="ecosystem")]
    enqueue(consenting(coord_a), source="")
    enqueue(consenting(coord_a), source="")
    assert dispatch_batch(batch=1).paused == 1
    assert dispatch_until_idle().sent == 0  # the other one waits: the sender is paused
    sender = Sender.objects.get()
    assert sender.paused and "131049" in sender.paused_reason
    waiting = OutboxMessage.objects.filter(status=Status.QUEUED)
    assert waiting.count() == 2 and all(r.not_before is None or r.not_before > timezone.now() for r in waiting)
    Sender.objects.update(paused=False, paused_reason="")  # an administrator resumes
    OutboxMessage.objects.update(not_before=None)
    assert dispatch_until_idle().sent == 2
