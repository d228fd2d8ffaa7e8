"""Dashboard figures (DSH-1..DSH-6). ``live_figures`` counts them straight from the same
scoped selectors the list pages use, so a figure and its list agree for the same filter;
``figures`` reads the same definitions from the summary tables (dashboard_tallies.py),
which tests hold equal to the live count. Definitions:

- Contributions in a month: the sum of payment amounts dated (``paid_on``) in that month,
  net of reversals (a reversal is a negative payment dated the day it was made).
- Collection rate of month M: what has been paid so far on the bills of month M divided
  by the amount of those bills.
- Arrears: bills past their due date and not paid in full; a participant's ageing bucket is
  the number of such months (lindung.billing.arrears.selectors, the arrears list's own summary).
- Turning 56: the 56th birthday falls from today up to, not including, the same day three
  months later.

Everything here is plain data (ints, strings, ISO dates) so a snapshot can be cached.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth

from lindung.billing.arrears.selectors import AGEING_BUCKETS, ageing_bucket, ageing_summary, arrears_by_participant
from lindung.billing.arrears.table import arrears_table_day
from lindung.billing.models import Bill, Payment
from lindung.billing.selectors import bills_visible_to, payments_visible_to
from lindung.communities.models import CommunityGroup
from lindung.contributions.calculator import add_months, month_start
from lindung.participants.models import Participant, Status
from lindung.participants.selectors import FILTER_FIELDS, participants_filter, participants_visible_to
from lindung.tallies.models import tally_filter

# The filters a dashboard accepts; each narrows participants exactly as on the list page.
DASHBOARD_FILTERS = ("district", "village", "group", "coordinator")
TOP = 15  # bars shown for districts and groups; the rest are summed as "other"
RETIREMENT_AGE = 56
TURNING_WINDOW_MONTHS = 3
TURNING_LIST = 10


@dataclass(frozen=True)
class Period:
    """Whole months, first and last inclusive (both first days of their month)."""

    first: datetime.date
    last: datetime.date

    def months(self) -> list[datetime.date]:
        out, month = [], self.first
        while month <= self.last:
            out.append(month)
            month = add_months(month, 1)
        return out

    @property
    def end(self) -> datetime.date:
        """The day after the period."""
        return add_months(self.last, 1)


def running_year(today: datetime.date) -> Period:
    return Period(datetime.date(today.year, 1, 1), month_start(today))


def clean_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """Only the dashboard's filters, as primary keys (cacheable, comparable)."""
    out = {}
    for key in DASHBOARD_FILTERS:
        value = filters.get(key)
        if value not in (None, ""):
            out[key] = getattr(value, "pk", value)
    return out


def _through_participant(filters: Mapping[str, Any]) -> dict[str, Any]:
    return {f"participant__{FILTER_FIELDS[key]}": value for key, value in filters.items()}


def scoped_participants(user: Any, filters: Mapping[str, Any]) -> QuerySet[Participant]:
    return participants_filter(participants_visible_to(user), filters)


def scoped_payments(user: Any, filters: Mapping[str, Any]) -> QuerySet[Payment]:
    return payments_visible_to(user).filter(**_through_participant(filters))


def scoped_bills(user: Any, filters: Mapping[str, Any]) -> QuerySet[Bill]:
    return bills_visible_to(user).filter(**_through_participant(filters))


def scoped_groups(user: Any, filters: Mapping[str, Any]) -> QuerySet[CommunityGroup]:
    from lindung.core.scoping import scope_queryset

    groups = scope_queryset(user, CommunityGroup.objects.all())
    lookups = {
        "district": "village__parent_id",
        "village": "village_id",
        "group": "pk",
        "coordinator": "coordinator_id",
    }
    return groups.filter(**{lookups[key]: value for key, value in filters.items()})


def _sum(queryset: QuerySet[Any], expression: Any) -> int:
    return int(queryset.aggregate(total=Coalesce(Sum(expression), 0))["total"])


def contributions_between(payments: QuerySet[Payment], first: datetime.date, end: datetime.date) -> int:
    """Net of reversals, by payment date, ``end`` excluded."""
    return _sum(payments.filter(paid_on__gte=first, paid_on__lt=end), "amount")


def registrations_by_month(participants: QuerySet[Participant], period: Period) -> list[dict[str, Any]]:
    rows = (
        participants.filter(registration_date__gte=period.first, registration_date__lt=period.end)
        .annotate(m=TruncMonth("registration_date"))
        .order_by()
        .values("m")
        .annotate(n=Count("id"))
    )
    found = {_as_date(r["m"]): r["n"] for r in rows}
    return [{"month": m.isoformat(), "count": found.get(m, 0)} for m in period.months()]


def _as_date(value: Any) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _top(counts: list[tuple[Any, int]], names: Mapping[Any, str], none_label: str) -> list[dict[str, Any]]:
    """All rows, largest first: the page shows the first TOP and sums the rest."""
    counts.sort(key=lambda item: (-item[1], str(names.get(item[0], ""))))
    return [{"key": key, "label": names.get(key, none_label) if key else none_label, "count": n} for key, n in counts]


def by_district(participants: QuerySet[Participant]) -> list[dict[str, Any]]:
    from lindung.regions.cached import district_names

    counts = list(participants.order_by().values_list("district_id").annotate(n=Count("id")))
    names = district_names(k for k, _n in counts)
    return _top([(k, n) for k, n in counts], names, "")


def by_group(participants: QuerySet[Participant]) -> list[dict[str, Any]]:
    counts = list(participants.order_by().values_list("community_group_id").annotate(n=Count("id")))
    ids = [k for k, _n in counts if k]
    names = dict(CommunityGroup.objects.filter(pk__in=ids).values_list("pk", "name"))
    return _top([(k, n) for k, n in counts], names, "")


def collection_by_month(bills: QuerySet[Bill], period: Period) -> list[dict[str, Any]]:
    rows = (
        bills.filter(month__gte=period.first, month__lte=period.last)
        .order_by()
        .values("month")
        .annotate(billed=Sum("amount"), paid=Sum("paid_amount"))
    )
    return collection_rows({_as_date(r["month"]): r for r in rows}, period)


def collection_rows(found: Mapping[datetime.date, Mapping[str, Any]], period: Period) -> list[dict[str, Any]]:
    """Billed, paid and the rate per month of the period, from {month: {billed, paid}}."""
    out = []
    for month in period.months():
        row = found.get(month) or {"billed": 0, "paid": 0}
        billed, paid = int(row["billed"] or 0), int(row["paid"] or 0)
        rate = round(100 * paid / billed, 1) if billed else None
        out.append({"month": month.isoformat(), "billed": billed, "paid": paid, "rate": rate})
    return out


def ageing(user: Any, filters: Mapping[str, Any], on: datetime.date) -> list[dict[str, Any]]:
    """The arrears list's own rows (lindung.billing.arrears.selectors) summed per ageing bucket, one
    query. From the day's arrears table they are grouped by months owed (a dozen groups,
    bucketed here: half the work of one conditional sum per bucket over every late payer);
    the live grouping (before the day's recount) is summed by the list's own summary."""
    table_day = arrears_table_day()
    rows = arrears_by_participant(user, dict(filters), on, table_day=table_day)
    if table_day != on:
        summary = ageing_summary(rows)
        return [{"bucket": key, **summary[key]} for key in AGEING_BUCKETS]
    totals = {key: {"participants": 0, "amount": 0} for key in AGEING_BUCKETS}
    grouped = rows.order_by().values_list("months_owed").annotate(n=Count("participant_id"), owed=Sum("amount_owed"))
    for months, n, owed in grouped:
        bucket = totals[ageing_bucket(months)]
        bucket["participants"] += n
        bucket["amount"] += int(owed or 0)
    return [{"bucket": key, **totals[key]} for key in AGEING_BUCKETS]


def birthday_range(today: datetime.date, age: int, months: int) -> tuple[datetime.date, datetime.date]:
    """Birth dates whose ``age``-th birthday is in [today, today + months): [first, end)."""

    def years_back(day: datetime.date) -> datetime.date:
        try:
            return day.replace(year=day.year - age)
        except ValueError:  # 29 February in a year that has none
            return day.replace(year=day.year - age, day=28)

    return years_back(today), years_back(add_months_day(today, months))


def add_months_day(day: datetime.date, months: int) -> datetime.date:
    first = add_months(day.replace(day=1), months)
    last = (add_months(first, 1) - datetime.timedelta(days=1)).day
    return first.replace(day=min(day.day, last))


def turning_56(participants: QuerySet[Participant], today: datetime.date) -> QuerySet[Participant]:
    first, end = birthday_range(today, RETIREMENT_AGE, TURNING_WINDOW_MONTHS)
    return participants.filter(birth_date__gte=first, birth_date__lt=end).order_by("birth_date", "id")


def figures(user: Any, filters: Mapping[str, Any], period: Period, today: datetime.date) -> dict[str, Any]:
    """Every costly figure of a dashboard for ``user`` (admin or coordinator alike: the
    scope narrows; the template picks what to show). From the summary tables, except for a
    village (not a tally key; a village is small enough to count live)."""
    if tally_filter(filters) is None:
        return live_figures(user, filters, period, today)
    from .dashboard_tallies import tally_figures

    return tally_figures(user, filters, period, today)


def turning_figures(turning: QuerySet[Participant]) -> dict[str, Any]:
    return {
        "turning_56_count": turning.count(),
        "turning_56": [
            {"pk": p.pk, "name": p.full_name, "birth_date": p.birth_date.isoformat()}
            for p in turning.only("id", "full_name", "birth_date")[:TURNING_LIST]
        ],
    }


def live_figures(user: Any, filters: Mapping[str, Any], period: Period, today: datetime.date) -> dict[str, Any]:
    """figures() counted from the registry's own tables (the reference for the tallies)."""
    participants = scoped_participants(user, filters)
    payments = scoped_payments(user, filters)
    bills = scoped_bills(user, filters)
    this_month = month_start(today)
    next_month = add_months(this_month, 1)
    counts = participants.aggregate(
        total=Count("id"), mine=Count("id", filter=Q(registered_by_id=user.pk)), **_status_counts()
    )
    payment_counts = payments.aggregate(records=Count("id"), received=Count("id", filter=Q(amount__gt=0)))
    turning = turning_56(participants, today)
    ageing_rows = ageing(user, filters, today)
    return {
        "participants": counts["total"],
        "registered_by_me": counts["mine"],
        "payment_records": payment_counts["records"],
        "payments_received": payment_counts["received"],
        "contributions_month": contributions_between(payments, this_month, next_month),
        "contributions_month_mine": contributions_between(payments.filter(recorded_by=user), this_month, next_month),
        "collected_month_by_me": contributions_between(payments.filter(collected_by=user), this_month, next_month),
        "contributions_period": contributions_between(payments, period.first, period.end),
        "arrears_participants": sum(row["participants"] for row in ageing_rows),
        "arrears_amount": sum(row["amount"] for row in ageing_rows),
        **turning_figures(turning),
        "registrations": registrations_by_month(participants, period),
        "districts": by_district(participants),
        "groups": by_group(participants),
        "coverage": {k.removeprefix("status_"): v for k, v in counts.items() if k.startswith("status_")},
        "collection": collection_by_month(bills, period),
        "ageing": ageing_rows,
    }


def _status_counts() -> dict[str, Any]:
    return {
        "status_active": Count("id", filter=Q(status=Status.ACTIVE)),
        "status_non_active": Count("id", filter=Q(status=Status.NON_ACTIVE)),
        "status_other": Count("id", filter=~Q(status__in=[Status.ACTIVE, Status.NON_ACTIVE])),
    }
