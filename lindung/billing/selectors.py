"""Reads of bills, payments, arrears and collections, all narrowed by the one scoping
function (a coordinator sees the money of their own participants only)."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, IntegerField, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from lindung.core.scoping import get_scoped_or_404, scope_queryset
from lindung.participants.models import Participant
from lindung.participants.selectors import participants_filter, participants_visible_to

from .models import Bill, CollectionAccount, Deposit, Payment

# Ageing buckets by months owed (CON-5): label key -> (min months, max months or None).
AGEING_BUCKETS: dict[str, tuple[int, int | None]] = {
    "1": (1, 1),
    "2": (2, 2),
    "3": (3, 3),
    "4-6": (4, 6),
    "7+": (7, None),
}


def bills_visible_to(user: Any) -> QuerySet[Bill]:
    return scope_queryset(user, Bill.objects.all())


def payments_visible_to(user: Any) -> QuerySet[Payment]:
    return scope_queryset(user, Payment.objects.all())


def payment_get_for_user(user: Any, pk: int) -> Payment:
    return get_scoped_or_404(
        user,
        Payment.objects.select_related("participant", "method", "collected_by", "collection_account", "recorded_by"),
        pk=pk,
    )


def collection_accounts_visible_to(user: Any) -> QuerySet[CollectionAccount]:
    return scope_queryset(user, CollectionAccount.objects.select_related("coordinator"))


def deposits_visible_to(user: Any) -> QuerySet[Deposit]:
    return scope_queryset(user, Deposit.objects.select_related("coordinator", "collection_account"))


@dataclass(frozen=True)
class Standing:
    """A participant's contribution standing on a day."""

    open_months: int
    late_months: int
    owed: int
    late_amount: int
    oldest_late_month: datetime.date | None


def participant_standing(participant: Participant, on: datetime.date | None = None) -> Standing:
    on = on or timezone.localdate()
    open_bills = Bill.objects.filter(participant=participant, settled_on__isnull=True)
    late = open_bills.filter(due_date__lt=on)
    totals = open_bills.aggregate(n=Count("id"), owed=Coalesce(Sum(F("amount") - F("paid_amount")), 0))
    late_totals = late.aggregate(
        n=Count("id"), owed=Coalesce(Sum(F("amount") - F("paid_amount")), 0), oldest=Min("month")
    )
    return Standing(totals["n"], late_totals["n"], totals["owed"], late_totals["owed"], late_totals["oldest"])


def arrears_by_participant(
    user: Any, filters: Mapping[str, Any] | None = None, on: datetime.date | None = None
) -> QuerySet[Participant]:
    """Late payers with months and amount owed (CON-5): participants (scoped, filtered like
    the participant list) annotated from their bills past due and not paid in full."""
    on = on or timezone.localdate()
    participants = participants_filter(participants_visible_to(user), filters or {})
    condition = Q(bills__settled_on__isnull=True, bills__due_date__lt=on)
    return (
        participants.annotate(
            months_owed=Count("bills", filter=condition),
            amount_owed=Coalesce(
                Sum(F("bills__amount") - F("bills__paid_amount"), filter=condition),
                Value(0),
                output_field=IntegerField(),
            ),
            oldest_month=Min("bills__month", filter=condition),
        )
        .filter(months_owed__gt=0)
        .select_related("village", "district", "coordinator", "community_group")
    )


def ageing_bucket(months_owed: int) -> str:
    for key, (low, high) in AGEING_BUCKETS.items():
        if months_owed >= low and (high is None or months_owed <= high):
            return key
    return "7+"


def ageing_summary(arrears: QuerySet[Participant]) -> dict[str, dict[str, int]]:
    """Participants and amount per ageing bucket. Streams one small row per late payer;
    the dashboards issue may pre-aggregate this if it shows in their budgets."""
    summary = {key: {"participants": 0, "amount": 0} for key in AGEING_BUCKETS}
    rows = arrears.order_by().values("months_owed", "amount_owed")  # type: ignore[misc]
    for row in rows.iterator(chunk_size=5000):
        bucket = summary[ageing_bucket(row["months_owed"])]
        bucket["participants"] += 1
        bucket["amount"] += row["amount_owed"]
    return summary
