"""Arrears (CON-5): late payers with months and amount owed, ageing buckets and, for wage
earners, the late fine so far.

Everything starts from the bills, not the participants: the open past-due bills are few
next to all bills and the partial index ``bill_open_due`` (due_date, participant) WHERE
settled_on IS NULL reads exactly them; they are grouped by participant in one pass.
Starting from participants and LEFT JOINing all their bills would read every bill ever
issued to every participant in scope.

That grouping still reads every open past-due bill in scope (seconds for a national
ledger), so the page reads the pre-grouped ParticipantArrears table (arrears_table.py)
whenever it holds the figures for the day asked about; any other day is grouped live.
"""

import datetime
import types
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.utils import timezone

from lindung.billing.arrears.table import arrears_table_day
from lindung.billing.models import Bill, ParticipantArrears
from lindung.contributions.calculator import months_late, round_rupiah
from lindung.contributions.models import ContributionRule, RuleKind
from lindung.core.scoping import scope_queryset
from lindung.core.tables import RowCount
from lindung.participants.models import Participant
from lindung.participants.selectors import FILTER_FIELDS, participants_search

# Ageing buckets by months owed (CON-5): key -> (min months, max months or None).
AGEING_BUCKETS: dict[str, tuple[int, int | None]] = {
    "1": (1, 1),
    "2": (2, 2),
    "3": (3, 3),
    "4-6": (4, 6),
    "7+": (7, None),
}


def ageing_bucket(months_owed: int) -> str:
    for key, (low, high) in AGEING_BUCKETS.items():
        if months_owed >= low and (high is None or months_owed <= high):
            return key
    return "7+"


def _bucket_condition(key: str, field: str = "months_owed") -> Q:
    low, high = AGEING_BUCKETS[key]
    condition = Q(**{f"{field}__gte": low})
    if high is not None:
        condition &= Q(**{f"{field}__lte": high})
    return condition


def open_past_due(on: datetime.date) -> Q:
    """A bill past its due date and not paid in full (a partly paid one counts)."""
    return Q(settled_on__isnull=True, due_date__lt=on)


def arrears_bills(
    user: Any, filters: Mapping[str, Any] | None = None, on: datetime.date | None = None
) -> QuerySet[Bill]:
    """The open past-due bills the user may see, narrowed by the participant-list filters."""
    on = on or timezone.localdate()
    bills = scope_queryset(user, Bill.objects.filter(open_past_due(on)))
    for key, column in FILTER_FIELDS.items():
        value = (filters or {}).get(key)
        if value not in (None, ""):
            bills = bills.filter(**{f"participant__{column}": getattr(value, "pk", value)})
    return bills


def arrears_by_participant(
    user: Any,
    filters: Mapping[str, Any] | None = None,
    on: datetime.date | None = None,
    *,
    table_day: "datetime.date | types.EllipsisType | None" = ...,
) -> QuerySet[Any]:
    """One row per late payer: ``participant`` (id), ``months_owed``, ``amount_owed``,
    ``oldest_month``. ``filters`` are the participant list's plus ``bucket``.

    Read from ParticipantArrears when its day is ``on`` (default today), else grouped
    live from the bills: the same figures either way. ``table_day`` spares the lookup
    when the caller already knows the table's day."""
    filters = filters or {}
    on = on or timezone.localdate()
    if table_day is ...:
        table_day = arrears_table_day()
    rows = _table_rows(user, filters) if on == table_day else _live_rows(user, filters, on)
    bucket = filters.get("bucket")
    if bucket in AGEING_BUCKETS:
        rows = rows.filter(_bucket_condition(bucket))
    return rows.order_by("participant_id")


def _table_rows(user: Any, filters: Mapping[str, Any]) -> QuerySet[Any]:
    rows = scope_queryset(user, ParticipantArrears.objects.all())
    for key, column in FILTER_FIELDS.items():
        value = filters.get(key)
        if value not in (None, ""):
            rows = rows.filter(**{f"participant__{column}": getattr(value, "pk", value)})
    return rows.values("participant", "months_owed", "amount_owed", "oldest_month")


def _live_rows(user: Any, filters: Mapping[str, Any], on: datetime.date) -> QuerySet[Any]:
    return (
        arrears_bills(user, filters, on)
        .values("participant")
        .annotate(
            months_owed=Count("id"),
            amount_owed=Sum(F("amount") - F("paid_amount")),
            oldest_month=Min("month"),
        )
    )


def arrears_search(rows: QuerySet[Any], text: str) -> QuerySet[Any]:
    """Name or NIK, the participant list's own search (and its indexes)."""
    return rows.filter(participant__in=participants_search(Participant.objects.all(), text).values("pk"))


def ageing_summary(rows: QuerySet[Any]) -> dict[str, dict[str, int]]:
    """Participants and amount per ageing bucket, aggregated in the database over the
    grouped rows (one query whatever the number of late payers)."""
    aggregates: dict[str, Any] = {}
    for index, key in enumerate(AGEING_BUCKETS):
        condition = _bucket_condition(key)
        aggregates[f"p{index}"] = Count("participant", filter=condition)
        aggregates[f"a{index}"] = Sum("amount_owed", filter=condition)
    totals = rows.order_by().aggregate(**aggregates)
    return {
        key: {"participants": totals[f"p{index}"] or 0, "amount": totals[f"a{index}"] or 0}
        for index, key in enumerate(AGEING_BUCKETS)
    }


class SummaryCount:
    """build_table's count for the arrears list: the ageing summary of exactly the rows
    listed (filters and search applied), whose participants add up to the exact count.
    The page needs the summary anyway, so the pager costs no aggregate of its own."""

    def __init__(self, summary: dict[str, dict[str, int]] | None = None) -> None:
        # A summary already known for exactly these rows (the arrears tally, when no search
        # or non-key filter narrows them) spares summing every late payer per view.
        self.summary = summary

    def __call__(self, rows: QuerySet[Any]) -> RowCount:
        if self.summary is None:
            self.summary = ageing_summary(rows)
        return RowCount(sum(figures["participants"] for figures in self.summary.values()))


@dataclass
class ArrearsRow:
    participant: Participant
    months_owed: int
    amount_owed: int
    oldest_month: datetime.date
    bucket: str
    late_fine: int | None  # None: the category has no fine (BPU)


class FineRules:
    """The late-fine rule versions, loaded once. The formula is calculator.late_fine's
    (rate % of the unpaid amount per month late, judged by the contribution month's
    rule); a test pins both to the same figures. late_fine itself reads the rules on
    every call, which on a page of bills would be one query per bill."""

    def __init__(self) -> None:
        self.rules = list(ContributionRule.objects.filter(kind=RuleKind.LATE_FINE).order_by("-valid_from"))

    def rule_for(self, category: str, month: datetime.date) -> ContributionRule | None:
        for rule in self.rules:
            if (
                rule.category == category
                and rule.valid_from <= month
                and (rule.valid_to is None or rule.valid_to >= month)
            ):
                return rule
        return None

    def has_fine(self, category: str) -> bool:
        return any(rule.category == category and rule.rate is not None for rule in self.rules)

    def fine(self, *, unpaid: int, months: int, month: datetime.date, category: str) -> int:
        rule = self.rule_for(category, month)
        if rule is None or rule.rate is None:
            return 0
        return round_rupiah(Decimal(unpaid) * rule.rate / Decimal(100) * months)


def late_fines(participant_ids: Iterable[int], on: datetime.date, rules: FineRules | None = None) -> dict[int, int]:
    """The fine so far per participant whose category has a fine rule (wage earners),
    summed over their open past-due bills: one query for the bills."""
    rules = rules or FineRules()
    fined = sorted({rule.category for rule in rules.rules if rule.rate is not None})
    if not fined:
        return {}
    totals: dict[int, int] = defaultdict(int)
    bills = Bill.objects.filter(
        open_past_due(on), participant_id__in=list(participant_ids), category__in=fined
    ).order_by()
    for pid, amount, paid, due, month, category in bills.values_list(
        "participant_id", "amount", "paid_amount", "due_date", "month", "category"
    ):
        totals[pid] += rules.fine(unpaid=amount - paid, months=months_late(due, on), month=month, category=category)
    return dict(totals)


def participants_for_rows(ids: Sequence[int]) -> dict[int, Participant]:
    """The page's participants with only what the rows show (name, category, phone,
    village, coordinator): a participant row is wide and the page needs a few columns."""
    queryset = (
        Participant.objects.filter(pk__in=list(ids))
        .select_related("village", "coordinator")
        .only(
            "full_name",
            "category",
            "phone",
            "village__name",
            "coordinator__username",
            "coordinator__first_name",
            "coordinator__last_name",
        )
    )
    return {p.pk: p for p in queryset}


def arrears_rows(rows: Iterable[Mapping[str, Any]], on: datetime.date | None = None) -> list[ArrearsRow]:
    """A page of grouped rows with their participants and fines: three queries a page."""
    on = on or timezone.localdate()
    rows = list(rows)
    ids = [row["participant"] for row in rows]
    participants = participants_for_rows(ids)
    rules = FineRules()
    fines = late_fines(ids, on, rules)
    result = []
    for row in rows:
        participant = participants.get(row["participant"])
        if participant is None:
            continue
        has_fine = rules.has_fine(participant.category)
        result.append(
            ArrearsRow(
                participant=participant,
                months_owed=row["months_owed"],
                amount_owed=row["amount_owed"],
                oldest_month=row["oldest_month"],
                bucket=ageing_bucket(row["months_owed"]),
                late_fine=fines.get(participant.pk, 0) if has_fine else None,
            )
        )
    return result


@dataclass(frozen=True)
class Owed:
    months: int
    amount: int


def owed_by_participant(participant_ids: Iterable[int], on: datetime.date | None = None) -> dict[int, Owed]:
    """Months and amount past due per participant, one grouped query (NIK lookup, API)."""
    on = on or timezone.localdate()
    ids = list(participant_ids)
    if not ids:
        return {}
    found = (
        Bill.objects.filter(open_past_due(on), participant_id__in=ids)
        .values("participant")
        .annotate(months=Count("id"), amount=Sum(F("amount") - F("paid_amount")))
        .order_by()
    )
    owed = {row["participant"]: Owed(row["months"], row["amount"]) for row in found}
    return {pid: owed.get(pid, Owed(0, 0)) for pid in ids}
