"""Per-sender limits kept in the database, so they hold across every worker and
process (MSG-7): a token bucket (messages per second, one second of burst) and a daily
budget (the number's messaging tier). Taking tokens locks the sender's row for a moment;
workers take a whole batch's worth at once, so that is one short transaction a batch."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Sender


@dataclass(frozen=True)
class Grant:
    granted: int
    # When to try again for the rest: the bucket refills, or (budget spent) tomorrow.
    retry_at: datetime.datetime | None
    budget_exhausted: bool = False
    paused: bool = False


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


def take(key: str, wanted: int) -> Grant:
    """Take up to ``wanted`` sends from the sender's bucket and today's budget."""
    sender_for(key)
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        sender = Sender.objects.select_for_update().get(key=key)
        if sender.paused:
            return Grant(0, None, paused=True)
        rate = max(1, sender.rate_per_second)
        elapsed = (now - sender.refilled_at).total_seconds() if sender.refilled_at else float(rate)
        tokens = min(float(rate), sender.tokens + max(0.0, elapsed) * rate)
        if sender.budget_day != today:
            sender.budget_day, sender.used_today = today, 0
        room = wanted if sender.daily_budget is None else max(0, sender.daily_budget - sender.used_today)
        granted = max(0, min(wanted, int(tokens), room))
        sender.tokens = tokens - granted
        sender.refilled_at = now
        sender.used_today += granted
        sender.save(update_fields=["tokens", "refilled_at", "budget_day", "used_today"])
    if granted == wanted:
        return Grant(granted, None)
    if room <= granted:  # the day's budget is spent: wait for tomorrow, never fail
        tomorrow = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time()))
        return Grant(granted, tomorrow, budget_exhausted=True)
    missing = wanted - granted
    return Grant(granted, now + datetime.timedelta(seconds=min(missing, rate) / rate))


def sender_pause(key: str, reason: str) -> None:
    sender_for(key)
    Sender.objects.filter(key=key).update(paused=True, paused_reason=reason)
