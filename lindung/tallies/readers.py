"""Figures read from the tallies that more than one page needs."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Sum

from lindung.billing.arrears.selectors import AGEING_BUCKETS, ageing_bucket
from lindung.core.scoping import scope_queryset

from .models import ArrearsTally, tally_filter


def ageing_from_tallies(user: Any, filters: Mapping[str, Any]) -> dict[str, dict[str, int]] | None:
    """Late payers and amount owed per ageing bucket, as ageing_summary gives them for the
    arrears table's rows, from ArrearsTally (kept with that table). None when a filter is
    not a tally key (village, status, category...): the caller sums the rows instead."""
    given = {key: value for key, value in filters.items() if value not in (None, "", False)}
    bucket = given.pop("bucket", None)
    keys = tally_filter(given)
    if keys is None or (bucket and bucket not in AGEING_BUCKETS):
        return None
    rows = scope_queryset(user, ArrearsTally.objects.all()).filter(**keys)
    totals = {key: {"participants": 0, "amount": 0} for key in AGEING_BUCKETS}
    grouped = rows.order_by().values_list("months_owed").annotate(n=Sum("participants"), owed=Sum("amount"))
    for months, n, owed in grouped:
        key = ageing_bucket(months)
        if months > 0 and n and (not bucket or key == bucket):
            totals[key]["participants"] += int(n)
            totals[key]["amount"] += int(owed or 0)
    return totals
