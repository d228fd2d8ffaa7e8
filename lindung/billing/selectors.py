"""Reads of bills, payments, arrears and collections, all narrowed by the one scoping
function (a coordinator sees the money of their own participants only)."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from lindung.billing.models import Bill, CollectionAccount, Deposit, Payment
from lindung.core.scoping import get_scoped_or_404, scope_queryset
from lindung.participants.models import Participant


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
    # The open and the late figures in one pass over the participant's open bills.
    late = Q(due_date__lt=on)
    outstanding = F("amount") - F("paid_amount")
    totals = Bill.objects.filter(participant=participant, settled_on__isnull=True).aggregate(
        n=Count("id"),
        owed=Coalesce(Sum(outstanding), 0),
        late_n=Count("id", filter=late),
        late_owed=Coalesce(Sum(outstanding, filter=late), 0),
        oldest=Min("month", filter=late),
    )
    return Standing(totals["n"], totals["late_n"], totals["owed"], totals["late_owed"], totals["oldest"])


# --- Payment pages: participant section, prepayment options, lists (CON-3, FR-08, FR-14) ---


def participant_open_bills(participant: Participant) -> QuerySet[Bill]:
    return (
        Bill.objects.filter(participant=participant, settled_on__isnull=True)
        .order_by("month")
        .prefetch_related("lines")
    )


def participant_recent_payments(participant: Participant, limit: int = 10) -> list[Payment]:
    return list(
        Payment.objects.filter(participant=participant)
        .select_related("method", "reversed_by")
        .order_by("-paid_on", "-id")[:limit]
    )


@dataclass(frozen=True)
class PrepayOption:
    months: int
    amount: int  # everything open now plus the months paid ahead that have no bill yet


def prepay_options(participant: Participant, on: datetime.date) -> list[PrepayOption]:
    """What the participant pays for each choice of months in advance, as payment_record
    would allocate it: the open bills (arrears first) plus the months from ``on``'s month
    on that are not billed yet, each priced by its own month's rules. 0 = only what is open."""
    from lindung.contributions.calculator import add_months, month_start, participant_contribution
    from lindung.contributions.models import RuleKind
    from lindung.contributions.selectors import participant_program_rows, rule_books, rules_in_force

    owed = participant_standing(participant, on).owed
    options = [PrepayOption(0, owed)]
    rule = rules_in_force(month_start(on)).find(RuleKind.PREPAY, participant.category)
    if rule is None or participant.declared_income is None:
        return options
    start = month_start(on)
    longest = max(rule.month_options, default=0)
    window = [add_months(start, i) for i in range(longest)]
    billed = set(Bill.objects.filter(participant=participant, month__in=window).values_list("month", flat=True))
    ahead = [month for month in window if month not in billed]
    # Each month priced by its own rules, loaded for the whole window in one query.
    books, rows = rule_books(ahead), participant_program_rows(participant)
    prices = {
        month: participant_contribution(participant, month, book=books[month], program_rows=rows).total
        for month in ahead
    }
    for months in rule.month_options:
        extra = sum(prices.get(add_months(start, i), 0) for i in range(months))
        options.append(PrepayOption(months, owed + extra))
    return options


def payments_search(queryset: QuerySet[Payment], text: str) -> QuerySet[Payment]:
    """The one payment search (the payments page, the API's ?q= and the export): part of
    the participant's name, the exact receipt number or reference (any case), or the
    first digits of the participant's NIK (at least 4, spaces ignored), as the
    participant search reads a NIK."""
    text = text.strip()
    digits = text.replace(" ", "")
    condition = Q(participant__full_name__icontains=text) | Q(receipt_number__iexact=text) | Q(reference__iexact=text)
    if digits.isdigit() and len(digits) >= 4:
        condition |= Q(participant__nik__startswith=digits)
    return queryset.filter(condition)


def payments_filter(queryset: QuerySet[Payment], filters: Mapping[str, Any]) -> QuerySet[Payment]:
    if filters.get("date_from"):
        queryset = queryset.filter(paid_on__gte=filters["date_from"])
    if filters.get("date_to"):
        queryset = queryset.filter(paid_on__lte=filters["date_to"])
    if filters.get("method"):
        queryset = queryset.filter(method=filters["method"])
    if filters.get("collected_by"):
        queryset = queryset.filter(collected_by=filters["collected_by"])
    if filters.get("coordinator"):
        queryset = queryset.filter(participant__coordinator=filters["coordinator"])
    if filters.get("reversals"):
        queryset = queryset.filter(reversal_of__isnull=False)
    return queryset


def payment_list_rows(queryset: QuerySet[Payment]) -> QuerySet[Payment]:
    return queryset.select_related("participant", "method", "collected_by", "reversed_by")


def payment_allocations(payment: Payment) -> QuerySet[Any]:
    return payment.allocations.select_related("bill").order_by("bill__month")


def payment_methods_with_use() -> QuerySet[Any]:
    from django.db.models import Exists, OuterRef

    from lindung.billing.models import PaymentMethod

    return PaymentMethod.objects.annotate(used=Exists(Payment.objects.filter(method=OuterRef("pk"))))


def payment_method_get(pk: int) -> Any:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(payment_methods_with_use(), pk=pk)


def collection_account_get_for_user(user: Any, pk: int) -> CollectionAccount:
    return get_scoped_or_404(user, CollectionAccount.objects.select_related("coordinator"), pk=pk)


def deposit_get_for_user(user: Any, pk: int) -> Deposit:
    return get_scoped_or_404(
        user, Deposit.objects.select_related("coordinator", "collection_account", "recorded_by"), pk=pk
    )
