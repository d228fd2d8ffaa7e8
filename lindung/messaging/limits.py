"""Per-sender limits kept in the database, so they hold across every worker and
process (MSG-7): a token bucket (messages per second, one second of burst) and the
number's messaging tier.

The tier is not a count of messages per calendar day: WhatsApp limits the number of
unique recipients a business may reach with business-initiated messages within a
moving 24-hour period. So each sender keeps the recipients it reached and when
(``SenderReach``, one row per recipient): a message to someone reached within the
window costs nothing, a new recipient costs one, and a row over the budget waits until
the oldest reach leaves the window (it never fails). Rows older than the window are
pruned on the way, so every remaining row is inside it and ``Sender.reached`` is their
count.

Taking locks the sender's row for one short transaction per chunk (``take`` is given a
whole chunk's recipients): the bucket, the prune, one look-up of the chunk's known
recipients and one INSERT and one UPDATE of reaches."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from .models import Sender, SenderReach


@dataclass(frozen=True)
class Grant:
    """The positions (in the list given to ``take``) that may be sent now, and for the
    rest when to try again: the bucket refills (``rate_retry_at``) or the oldest reach
    leaves the window (``budget_retry_at``)."""

    granted: list[int] = field(default_factory=list)
    rate_wait: list[int] = field(default_factory=list)
    budget_wait: list[int] = field(default_factory=list)
    rate_retry_at: datetime.datetime | None = None
    budget_retry_at: datetime.datetime | None = None
    paused: bool = False


def window() -> datetime.timedelta:
    """The tier's moving window (WhatsApp: 24 hours)."""
    return datetime.timedelta(hours=float(settings.LINDUNG_MESSAGING["BUDGET_WINDOW_HOURS"]))


def sender_for(key: str) -> Sender:
    config = settings.LINDUNG_MESSAGING
    try:
        with transaction.atomic():
            sender, _created = Sender.objects.get_or_create(
                key=key,
                defaults={
                    "rate_per_second": config["RATE_PER_SECOND"],
                    "daily_budget": config["DAILY_BUDGET"] or None,
                    "tokens": float(config["RATE_PER_SECOND"]),
                },
            )
    except IntegrityError:
        sender = Sender.objects.get(key=key)
    return sender


def take(key: str, recipients: Sequence[str], *, now: datetime.datetime | None = None) -> Grant:
    """Take sends for a chunk of rows, one recipient (E.164) each, in order: each takes a
    token; a recipient not reached within the window also takes one of the budget."""
    now = now or timezone.now()
    wanted = list(range(len(recipients)))
    with transaction.atomic():
        sender = Sender.objects.select_for_update().filter(key=key).first()
        if sender is None:  # a sender's first message
            sender_for(key)
            sender = Sender.objects.select_for_update().get(key=key)
        if sender.paused:
            return Grant(rate_wait=wanted, paused=True)
        rate = max(1, sender.rate_per_second)
        elapsed = (now - sender.refilled_at).total_seconds() if sender.refilled_at else float(rate)
        tokens = min(float(rate), sender.tokens + max(0.0, elapsed) * rate)
        budget = sender.daily_budget
        known: set[str] = set()
        if budget is not None:
            pruned, _ = SenderReach.objects.filter(sender=sender, reached_at__lte=now - window()).delete()
            sender.reached = max(0, sender.reached - pruned)
            known = set(
                SenderReach.objects.filter(sender=sender, recipient__in=set(recipients)).values_list(
                    "recipient", flat=True
                )
            )
        room = None if budget is None else max(0, budget - sender.reached)
        grant = Grant()
        left = int(tokens)
        new: set[str] = set()
        for position, to in enumerate(recipients):
            if left <= 0:
                grant.rate_wait.append(position)
            elif room is None or to in known or to in new:
                grant.granted.append(position)
                left -= 1
            elif room > 0:
                new.add(to)
                room -= 1
                grant.granted.append(position)
                left -= 1
            else:
                grant.budget_wait.append(position)
        sender.tokens = tokens - len(grant.granted)
        sender.refilled_at = now
        if budget is not None:
            again = {recipients[p] for p in grant.granted} - new
            if again:  # still counted: the window runs from their latest message
                SenderReach.objects.filter(sender=sender, recipient__in=again).update(reached_at=now)
            SenderReach.objects.bulk_create(SenderReach(sender=sender, recipient=to, reached_at=now) for to in new)
            sender.reached += len(new)
        sender.save(update_fields=["tokens", "refilled_at", "reached"])
        budget_retry_at = None
        if grant.budget_wait:
            oldest = SenderReach.objects.filter(sender=sender).aggregate(at=Min("reached_at"))["at"]
            budget_retry_at = (oldest or now) + window()
    rate_retry_at = None
    if grant.rate_wait:
        rate_retry_at = now + datetime.timedelta(seconds=min(len(grant.rate_wait), rate) / rate)
    return Grant(grant.granted, grant.rate_wait, grant.budget_wait, rate_retry_at, budget_retry_at)


def sender_pause(key: str, reason: str) -> None:
    sender_for(key)
    Sender.objects.filter(key=key).update(paused=True, paused_reason=reason)
