"""The dispatcher (MSG-6, MSG-7): claim queued rows with a lease, check each again just
before sending, respect the sender's limits, write the attempt, call the provider, and
record the answer, every step a conditional UPDATE (outbox.move).

Claiming: ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent workers
take disjoint batches without waiting; then ``UPDATE ... WHERE status = 'queued'`` marks
them ``sending`` under this claim's lease token. SQLite has no row locks and runs one
writer at a time: the conditional UPDATE alone decides, and a worker sends only the rows
that carry its own token, so two workers still never share a row.

A worker that dies leaves rows ``sending`` with an expired lease. The reaper returns a
row to the queue if no attempt was started, and marks it ``unknown`` if an attempt was
(the provider may have it). Unknown rows are settled by status webhooks (sent, delivered,
read, failed); one that no webhook confirms within the grace period was never taken by
the provider (Cloud API always reports "sent") and goes back to the queue.
"""

import logging
import random
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction
from django.db.models import Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from lindung.billing.models import Bill
from lindung.core import events
from lindung.core.phones import normalize_mobile

from .bulk import update_from_values
from .campaigns.sendtime import prepare as prepare_campaign_rows
from .consent import participants_who_may_be_messaged
from .inbox.receive import REPLY_STAGE
from .limits import sender_pause, take
from .models import Channel, OutboxAttempt, OutboxMessage, Outcome, SourcePause, Status
from .outbox import TRANSITIONS, bill_is_paid, move, outbox_fallback_sms
from .providers import Outgoing, Provider, SendResult, provider_for
from .webhook_apply import webhook_apply_all

logger = logging.getLogger(__name__)
TASK_NAME = "lindung.messaging.dispatch"
_sqlite_writer = threading.Lock()


def _config(name: str) -> Any:
    return settings.LINDUNG_MESSAGING[name]


@dataclass
class Tally:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unknown: int = 0
    waiting: int = 0
    rate_limited: int = 0
    paused: int = 0
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, other: "Tally") -> None:
        for name in ("claimed", "sent", "retried", "failed", "unknown", "waiting", "rate_limited", "paused"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for reason, count in other.skipped.items():
            self.skipped[reason] += count


def claim(*, owner: str, batch: int, lease_seconds: int | None = None) -> list[OutboxMessage]:
    """Take up to ``batch`` due queued rows under a fresh lease token."""
    now = timezone.now()
    token = f"{owner}:{uuid.uuid4().hex[:12]}"
    lease = now + timedelta(seconds=lease_seconds or _config("LEASE_SECONDS"))
    paused = SourcePause.objects.values("source")
    with transaction.atomic():
        due = (
            OutboxMessage.objects.filter(status=Status.QUEUED)
            .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
            .exclude(source__in=paused)
            .order_by("id")
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due.values_list("id", flat=True)[:batch])
        if not ids:
            return []
        OutboxMessage.objects.filter(pk__in=ids, status=Status.QUEUED).update(
            status=Status.SENDING, status_at=now, lease_owner=token, leased_until=lease
        )
    return list(
        OutboxMessage.objects.filter(pk__in=ids, status=Status.SENDING, lease_owner=token)
        .select_related("participant", "bill")
        .order_by("id")
    )


def reap(*, now: Any = None) -> int:
    """Return expired leases: to the queue if no attempt was started, else "unknown"."""
    now = now or timezone.now()
    expired = OutboxMessage.objects.filter(status=Status.SENDING, leased_until__lt=now)
    pending = OutboxAttempt.objects.filter(message=OuterRef("pk"), outcome=Outcome.PENDING).values("pk")[:1]
    count = 0
    for row in expired.annotate(pending_attempt=Subquery(pending)).values("pk", "lease_owner", "pending_attempt"):
        if row["pending_attempt"]:
            changed = (
                OutboxMessage.objects.filter(pk=row["pk"], status=Status.SENDING, leased_until__lt=now).update(
                    status=Status.UNKNOWN, status_at=now, leased_until=None
                )
                == 1
            )
            if changed:
                OutboxAttempt.objects.filter(pk=row["pending_attempt"], outcome=Outcome.PENDING).update(
                    outcome=Outcome.UNKNOWN, finished_at=now, detail="lease expired mid-attempt"
                )
        else:
            changed = (
                OutboxMessage.objects.filter(pk=row["pk"], status=Status.SENDING, leased_until__lt=now).update(
                    status=Status.QUEUED, status_at=now, leased_until=None, lease_owner=""
                )
                == 1
            )
        count += changed
    if count:
        logger.warning("messaging reaper returned %s expired leases", count)
    return count


def settle_unknown(*, now: Any = None) -> int:
    """Unknown rows that no webhook confirmed within the grace period go back to the
    queue: the provider never took them."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=_config("UNKNOWN_GRACE_SECONDS"))
    return OutboxMessage.objects.filter(status=Status.UNKNOWN, status_at__lt=cutoff, provider_message_id="").update(
        status=Status.QUEUED, status_at=now, lease_owner=""
    )


def _skip_reasons(rows: list[OutboxMessage]) -> dict[int, str]:
    """Why each row must not be sent now (absent: send it): phone, consent and payment
    read fresh, one query each for the whole batch."""
    consenting = {
        channel: participants_who_may_be_messaged([r.participant_id for r in rows if r.channel == channel], channel)
        for channel in {r.channel for r in rows}
    }
    bill_ids = [r.bill.pk for r in rows if r.bill is not None]
    paid = {b.pk for b in Bill.objects.filter(pk__in=bill_ids) if bill_is_paid(b)} if bill_ids else set()
    reasons: dict[int, str] = {}
    for row in rows:
        if not row.participant.phone:
            reasons[row.pk] = "no_phone"
            continue
        try:
            # Kept on the row for _send (libphonenumber is the costliest step per row).
            row.to_number = normalize_mobile(row.participant.phone)
        except ValidationError:
            reasons[row.pk] = "invalid_number"
            continue
        if row.participant_id not in consenting[row.channel] and not row.stage.startswith(REPLY_STAGE):
            # An answer to a message the participant just sent goes regardless.
            reasons[row.pk] = "no_consent"
        elif row.bill is not None and row.bill.pk in paid:  # paid a minute ago?
            reasons[row.pk] = "paid"
    return reasons


def _backoff(attempt: int) -> timedelta:
    base, cap = _config("BACKOFF_BASE_SECONDS"), _config("BACKOFF_MAX_SECONDS")
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    return timedelta(seconds=delay * random.uniform(0.5, 1.0))


def _sender_key(row: OutboxMessage) -> str:
    if row.sender:
        return row.sender
    if row.channel == Channel.WHATSAPP:
        return f"wa:{settings.LINDUNG_MESSAGING['WHATSAPP']['phone_number_id'] or 'dev'}"
    return f"sms:{settings.LINDUNG_MESSAGING['SMS']['sender']}"


def _call(provider: Provider, row: OutboxMessage, to: str) -> SendResult:
    try:
        return provider.send(
            Outgoing(
                outbox_id=row.pk,
                channel=row.channel,
                to=to,
                template=row.template,
                language=row.language,
                params=[str(p) for p in row.params],
                body=row.body,
                sender=row.sender,
            )
        )
    except Exception as exc:  # a bug or an unexpected library error: the provider may have it
        logger.exception("outbox %s: provider %s raised", row.pk, provider.name)
        return SendResult(Outcome.UNKNOWN, detail=f"{type(exc).__name__}: {exc}")


def _send(rows: list[OutboxMessage], token: str, tally: Tally) -> None:
    """Send a chunk of rows: attempts for all of them committed in one transaction
    before any call (a worker dying in the calls leaves them "pending", and the reaper
    makes the rows "unknown" instead of sending them again), then the calls (in a pool
    of threads when the provider allows it), then every answer recorded in one
    transaction."""
    if not rows:
        return
    provider = provider_for(rows[0].channel)
    numbers = dict(
        OutboxAttempt.objects.filter(message__in=rows)
        .values("message")
        .annotate(n=Max("number"))
        .values_list("message", "n")
    )
    # Rows come from dispatch_batch, whose _skip_reasons normalised each phone a moment ago.
    targets = {row.pk: row.to_number or normalize_mobile(row.participant.phone) for row in rows}
    now = timezone.now()
    with transaction.atomic():
        attempts = OutboxAttempt.objects.bulk_create(
            OutboxAttempt(
                message=row,
                number=numbers.get(row.pk, 0) + 1,
                provider=provider.name,
                worker=token,
                started_at=now,
            )
            for row in rows
        )
        for row, attempt in zip(rows, attempts, strict=True):
            row.attempt_count, row.to_number = attempt.number, targets[row.pk]
        update_from_values(
            OutboxMessage, {row.pk: (row.attempt_count, row.to_number) for row in rows}, ["attempt_count", "to_number"]
        )
    workers = int(_config("CONCURRENCY")) if getattr(provider, "concurrent", False) else 1
    if workers > 1:
        results = list(_pool(workers).map(lambda row: _call(provider, row, targets[row.pk]), rows))
    else:
        results = [_call(provider, row, targets[row.pk]) for row in rows]
    finished = timezone.now()
    for attempt, result in zip(attempts, results, strict=True):
        attempt.outcome, attempt.http_status, attempt.error_code = result.outcome, result.http_status, result.error_code
        attempt.detail, attempt.provider_message_id = result.detail[:2000], result.provider_message_id
        attempt.finished_at = finished
    accepted = {
        row.pk: r.provider_message_id for row, r in zip(rows, results, strict=True) if r.outcome == Outcome.ACCEPTED
    }
    fields = ["outcome", "http_status", "error_code", "detail", "provider_message_id", "finished_at"]
    with transaction.atomic():
        update_from_values(OutboxAttempt, {a.pk: [getattr(a, f) for f in fields] for a in attempts}, fields)
        if accepted:
            tally.sent += _record_accepted(accepted, finished)
        for row, attempt, result in zip(rows, attempts, results, strict=True):
            if result.outcome != Outcome.ACCEPTED:
                _record(row, token, attempt.number, result, tally)


_pools: dict[int, ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()


def _pool(workers: int) -> ThreadPoolExecutor:
    """The process's threads for HTTP calls, kept between chunks (starting a pool of
    threads for every chunk cost more than the calls' own Python work). The threads
    only wait on sockets; each chunk still waits for all of its answers."""
    with _pools_lock:
        if workers not in _pools:
            _pools[workers] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="send")
        return _pools[workers]


def _record_accepted(accepted: dict[int, str], now: Any) -> int:
    """The common answer for a whole chunk in two statements: keep each provider id
    (even where a webhook already moved the row further), then sending/unknown -> sent."""
    update_from_values(
        OutboxMessage,
        {pk: (mid,) for pk, mid in accepted.items()},
        ["provider_message_id"],
        where="t.provider_message_id = %s",
        where_params=[""],
    )
    OutboxMessage.objects.filter(pk__in=accepted, status__in=TRANSITIONS[Status.SENT]).update(
        status=Status.SENT, status_at=now, sent_at=now, leased_until=None
    )
    return len(accepted)


def _record(row: OutboxMessage, token: str, number: int, result: SendResult, tally: Tally) -> None:
    if result.outcome == Outcome.ACCEPTED:
        # A webhook may already have moved the row further (delivered before we got
        # here): the id is kept regardless, the status only moves forward.
        OutboxMessage.objects.filter(pk=row.pk, provider_message_id="").update(
            provider_message_id=result.provider_message_id
        )
        move(row.pk, Status.SENT, provider_message_id=result.provider_message_id)
        tally.sent += 1
    elif result.outcome == Outcome.UNKNOWN:
        move(row.pk, Status.UNKNOWN, lease=token, error_detail=result.detail[:2000])
        tally.unknown += 1
    elif result.outcome == Outcome.RETRY and number < _config("MAX_ATTEMPTS"):
        move(
            row.pk,
            Status.QUEUED,
            lease=token,
            not_before=timezone.now() + _backoff(number),
            error_code=result.error_code,
            error_detail=result.detail[:2000],
        )
        tally.retried += 1
    elif result.outcome == Outcome.PAUSE:
        _pause(row, token, result)
        tally.paused += 1
    else:  # permanent, or retries used up
        failed = move(
            row.pk, Status.FAILED, lease=token, error_code=result.error_code, error_detail=result.detail[:2000]
        )
        if failed and result.outcome == Outcome.PERMANENT:
            outbox_fallback_sms(row, result.error_code or result.detail)
        tally.failed += 1


def _pause(row: OutboxMessage, token: str, result: SendResult) -> None:
    """A spam or quality signal: stop the group (its source, else the sender) and tell
    the administrators; the row waits in the queue, it was not sent."""
    reason = f"WhatsApp {result.error_code}: {result.detail}"[:500]
    move(row.pk, Status.QUEUED, lease=token, error_code=result.error_code, error_detail=result.detail[:2000])
    if row.source:
        SourcePause.objects.get_or_create(source=row.source, defaults={"paused_reason": reason})
    else:
        sender_pause(_sender_key(row), reason)
    logger.warning("messaging paused %s: %s", row.source or _sender_key(row), reason)
    events.emit("messaging.paused", subject=row, source=row.source, sender=_sender_key(row), reason=reason)


def dispatch_batch(*, owner: str = "worker", batch: int | None = None) -> Tally:
    """Claim one batch and settle every row of it."""
    tally = Tally()
    rows = claim(owner=owner, batch=batch or _config("BATCH"))
    tally.claimed = len(rows)
    if not rows:
        return tally
    token = rows[0].lease_owner
    ready: dict[str, list[OutboxMessage]] = defaultdict(list)
    reasons = _skip_reasons(rows)
    # Campaign rows: quiet hours, paid since planning, texts filled (campaigns/sendtime.py).
    campaign = prepare_campaign_rows([r for r in rows if r.pk not in reasons], timezone.now())
    reasons.update(campaign.skips)
    for row in rows:
        if row.pk in campaign.defer:
            move(row.pk, Status.QUEUED, lease=token, not_before=campaign.defer[row.pk])
            tally.waiting += 1
            continue
        reason = reasons.get(row.pk, "")
        if reason:
            if move(row.pk, Status.SKIPPED, lease=token, skip_reason=reason):
                tally.skipped[reason] += 1
            continue
        ready[_sender_key(row)].append(row)
    for key, sending in ready.items():
        grant = take(key, [row.to_number for row in sending])
        # Over the rate or the tier's budget: wait in the queue, never fail. A paused
        # sender (a quality signal without a source): look again later.
        rate_retry_at = timezone.now() + PAUSED_RECHECK if grant.paused else grant.rate_retry_at
        for positions, retry_at in ((grant.rate_wait, rate_retry_at), (grant.budget_wait, grant.budget_retry_at)):
            for position in positions:
                move(sending[position].pk, Status.QUEUED, lease=token, not_before=retry_at)
            tally.waiting += len(positions)
        tally.rate_limited += 0 if grant.paused else len(grant.rate_wait)
        granted = [sending[position] for position in grant.granted]
        chunk = int(_config("SEND_CHUNK"))
        for start in range(0, len(granted), chunk):
            for channel in (Channel.WHATSAPP, Channel.SMS):
                _send([r for r in granted[start : start + chunk] if r.channel == channel], token, tally)
    return tally


def dispatch_until_idle(*, owner: str = "worker", max_batches: int = 1000) -> Tally:
    """Reap, settle unknowns, then send batch after batch until nothing is due."""
    total = Tally()
    reap()
    webhook_apply_all()  # stored statuses first: they settle "unknown" rows
    settle_unknown()
    for _ in range(max_batches):
        if connection.vendor == "sqlite":
            # SQLite's single-writer fallback: one batch at a time per process (threads
            # sharing a database would otherwise meet "table is locked"); processes wait
            # on SQLite's own lock. The conditional UPDATEs keep it correct either way.
            with _sqlite_writer:
                tally = dispatch_batch(owner=owner)
        else:
            tally = dispatch_batch(owner=owner)
        total.add(tally)
        if tally.claimed == tally.waiting and not tally.rate_limited:
            # Nothing claimed, or all of it waits for the budget's window. Rows held back
            # by the rate limit are due within a second: wait for them here rather
            # than for the next kick.
            soon = _due_within(SOON)
            if soon is None:
                break
            time.sleep(soon)
        elif tally.claimed == tally.waiting:
            time.sleep(0.05)  # the bucket refills within a second
    return total


SOON = timedelta(seconds=2)
PAUSED_RECHECK = timedelta(minutes=5)


def _due_within(window: timedelta) -> float | None:
    """Seconds until the next queued row is due, if that is within ``window``."""
    now = timezone.now()
    due = (
        OutboxMessage.objects.filter(status=Status.QUEUED, not_before__gt=now, not_before__lte=now + window)
        .exclude(source__in=SourcePause.objects.values("source"))
        .aggregate(next=Min("not_before"))["next"]
    )
    return None if due is None else max(0.0, (due - now).total_seconds())


_thread_lock = threading.Lock()


def kick() -> None:
    """Rows were written: run the dispatcher soon (Celery, a thread, or now in tests)."""
    mode = settings.LINDUNG_JOBS_MODE
    if mode == "celery":
        from celery import current_app

        current_app.send_task(TASK_NAME)
    elif mode == "thread":
        threading.Thread(target=_dispatch_in_thread, daemon=True, name="messaging").start()
    else:
        dispatch_until_idle(owner="inline")


def _dispatch_in_thread() -> None:
    if not _thread_lock.acquire(blocking=False):
        return  # one dispatcher thread per process is enough; the lease guards the rest
    try:
        # No beat in this mode: the thread stays while rows wait (backoff, rate, budget,
        # unknown), sleeping until the next is due, and ends when the outbox is settled.
        while True:
            dispatch_until_idle(owner=f"thread-{threading.get_ident()}")
            waiting = OutboxMessage.objects.filter(status__in=[Status.QUEUED, Status.SENDING, Status.UNKNOWN])
            if not waiting.exists():
                break
            due = waiting.aggregate(next=Min("not_before"))["next"]
            pause = (due - timezone.now()).total_seconds() if due else 5.0
            time.sleep(min(30.0, max(1.0, pause)))
            close_old_connections()
    finally:
        _thread_lock.release()
        close_old_connections()
