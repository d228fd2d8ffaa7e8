"""The dashboard's figures read from the summary tables (lindung.tallies) instead of
aggregating a million participants and ten million bills per view. Same definitions and
same output as dashboard.live_figures, which stays the reference: tests compare the two
for every scope and filter. A village filter is not a tally key (a village holds a few
dozen people, so the live count is quick there); dashboard.figures picks the path.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from lindung.billing.arrears.selectors import AGEING_BUCKETS
from lindung.billing.arrears.table import arrears_table_day
from lindung.communities.models import CommunityGroup
from lindung.contributions.calculator import month_start
from lindung.core.scoping import scope_queryset
from lindung.participants.models import Status
from lindung.regions.cached import district_names
from lindung.tallies.models import MonthTally, ParticipantTally, PaymentTally, tally_filter
from lindung.tallies.readers import ageing_from_tallies

from . import dashboard as live


def _rows(user: Any, model: type, filters: Mapping[str, Any]) -> QuerySet[Any]:
    rows = scope_queryset(user, model.objects.all())  # type: ignore[attr-defined]
    keys = tally_filter(filters)
    assert keys is not None, "dashboard.figures counts live when a filter is not a tally key"
    return rows.filter(**keys)


def _sum(field: str, **condition: Any) -> Any:
    return Coalesce(Sum(field, filter=Q(**condition)) if condition else Sum(field), 0)


def _people(user: Any, filters: Mapping[str, Any]) -> dict[str, int]:
    totals = _rows(user, ParticipantTally, filters).aggregate(
        total=_sum("participants"),
        mine=_sum("participants", registered_by_id=user.pk),
        active=_sum("participants", status=Status.ACTIVE),
        non_active=_sum("participants", status=Status.NON_ACTIVE),
    )
    return {key: int(value) for key, value in totals.items()}


def _months(user: Any, filters: Mapping[str, Any]) -> dict[datetime.date, dict[str, int]]:
    """Every month's row of MonthTally, summed over the scope and filters: one scan."""
    rows = (
        _rows(user, MonthTally, filters)
        .order_by()
        .values("month")
        .annotate(
            n_registrations=Sum("registrations"),
            n_billed=Sum("billed"),
            n_paid=Sum("paid"),
            n_records=Sum("payment_records"),
            n_received=Sum("payments_received"),
            n_amount=Sum("payments_amount"),
        )
    )
    return {r.pop("month"): {k.removeprefix("n_"): int(v or 0) for k, v in r.items()} for r in rows}


def _mine(user: Any, filters: Mapping[str, Any], this_month: datetime.date) -> dict[str, int]:
    """The user's own payments this month (recorded by them / collected by them)."""
    rows = _rows(user, PaymentTally, filters).filter(month=this_month)
    return {
        "recorded": int(rows.filter(recorded_by_id=user.pk).aggregate(s=_sum("amount"))["s"]),
        "collected": int(rows.filter(collected_by_id=user.pk).aggregate(s=_sum("amount"))["s"]),
    }


def _ranked(user: Any, filters: Mapping[str, Any], column: str) -> list[tuple[Any, int]]:
    rows = (
        _rows(user, ParticipantTally, filters)
        .order_by()
        .values_list(column)
        .annotate(n=Sum("participants"))
        .filter(n__gt=0)
    )
    return [(key, int(n)) for key, n in rows]


def _districts(user: Any, filters: Mapping[str, Any]) -> list[dict[str, Any]]:
    counts = _ranked(user, filters, "district_id")
    names = district_names(k for k, _n in counts)
    return live._top(counts, names, "")


def _groups(user: Any, filters: Mapping[str, Any]) -> list[dict[str, Any]]:
    counts = [(key or None, n) for key, n in _ranked(user, filters, "group_id")]
    names = dict(CommunityGroup.objects.filter(pk__in=[k for k, _n in counts if k]).values_list("pk", "name"))
    return live._top(counts, names, "")


def _ageing(user: Any, filters: Mapping[str, Any], today: datetime.date) -> list[dict[str, Any]]:
    """From ArrearsTally while the arrears table holds today's figures (it is recounted with
    the table each night); before that, the arrears list's own reading (live.ageing)."""
    totals = ageing_from_tallies(user, filters) if arrears_table_day() == today else None
    if totals is None:
        return live.ageing(user, filters, today)
    return [{"bucket": key, **totals[key]} for key in AGEING_BUCKETS]


def tally_figures(user: Any, filters: Mapping[str, Any], period: live.Period, today: datetime.date) -> dict[str, Any]:
    this_month = month_start(today)
    people, months, mine = _people(user, filters), _months(user, filters), _mine(user, filters, this_month)
    empty = dict.fromkeys(("registrations", "billed", "paid", "records", "received", "amount"), 0)
    in_period = [(month, months.get(month, empty)) for month in period.months()]
    turning = live.turning_56(live.scoped_participants(user, filters), today)
    ageing_rows = _ageing(user, filters, today)
    return {
        "participants": people["total"],
        "registered_by_me": people["mine"],
        "payment_records": sum(row["records"] for row in months.values()),
        "payments_received": sum(row["received"] for row in months.values()),
        "contributions_month": months.get(this_month, empty)["amount"],
        "contributions_month_mine": mine["recorded"],
        "collected_month_by_me": mine["collected"],
        "contributions_period": sum(row["amount"] for _m, row in in_period),
        "arrears_participants": sum(row["participants"] for row in ageing_rows),
        "arrears_amount": sum(row["amount"] for row in ageing_rows),
        **live.turning_figures(turning),
        "registrations": [{"month": m.isoformat(), "count": row["registrations"]} for m, row in in_period],
        "districts": _districts(user, filters),
        "groups": _groups(user, filters),
        "coverage": {
            "active": people["active"],
            "non_active": people["non_active"],
            "other": people["total"] - people["active"] - people["non_active"],
        },
        "collection": live.collection_rows(dict(in_period), period),
        "ageing": ageing_rows,
    }
