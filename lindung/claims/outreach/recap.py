"""The outreach recap (CLM-9) as an Excel workbook: contacts per month and officer, with
the outcomes as columns, and how many of the people contacted have since claimed."""

import io
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from openpyxl import Workbook

from lindung.core import access

from ..claim import LIVE_STATUSES, Claim
from .models import Outcome, OutreachContact


def recap_rows(user: object) -> QuerySet[Any]:
    principal = access.principal_of(user)
    contacts = access.scope(principal, OutreachContact.objects.all(), "view")
    claimed = Claim.objects.filter(
        participant=OuterRef("participant"), program=OuterRef("program"), status__in=list(LIVE_STATUSES)
    )
    return (
        contacts.annotate(month=TruncMonth("contacted_at"), claimed=Exists(claimed))
        .values(
            "month",
            "contacted_by__username",
            "contacted_by__first_name",
            "contacted_by__last_name",
            "outcome",
            "claimed",
        )
        .annotate(n=Count("id"))
        .order_by("month", "contacted_by__username")
    )


def recap_workbook(user: object) -> bytes:
    outcomes = list(Outcome.choices)
    table: dict[tuple[str, str], dict[str, int]] = {}
    for row in recap_rows(user):
        officer = (
            " ".join(filter(None, [row["contacted_by__first_name"], row["contacted_by__last_name"]]))
            or row["contacted_by__username"]
        )
        key = (row["month"].strftime("%Y-%m") if row["month"] else "", officer)
        cells = table.setdefault(key, {})
        cells[row["outcome"]] = cells.get(row["outcome"], 0) + row["n"]
        cells["_total"] = cells.get("_total", 0) + row["n"]
        if row["claimed"]:
            cells["_claimed"] = cells.get("_claimed", 0) + row["n"]
    book = Workbook()
    sheet = book.active
    sheet.title = _("Recap")[:31]
    sheet.append([_("Month"), _("Officer"), _("Contacts"), *[str(label) for _v, label in outcomes], _("Claimed since")])
    for (month, officer), cells in sorted(table.items()):
        sheet.append(
            [month, officer, cells.get("_total", 0), *[cells.get(v, 0) for v, _l in outcomes], cells.get("_claimed", 0)]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
