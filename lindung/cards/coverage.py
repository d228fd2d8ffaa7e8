import datetime
from typing import TypeVar

from django.db.models import Max, Model, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from lindung.billing.bills.services import month_end
from lindung.billing.models import Bill
from lindung.participants.models import Participant

_NO_OPEN_BILL = datetime.date(9999, 12, 1)
M = TypeVar("M", bound=Model)


def coverage_valid_through(participant: Participant) -> datetime.date | None:
    """The last day covered by paid contributions: the end of the latest contribution
    month M such that every bill up to and including M is paid in full. None when no
    such month exists (nothing billed, or the oldest bill is still open); callers treat
    None as "not known", never as "expired".

    A later month paid while an earlier one is open (a reversal reopened it) does not
    extend coverage: the gap comes first. Months with no bill at all (not yet a member,
    non-active) are not gaps: nothing was owed for them.

    One query on the (participant, month) unique index. The public verification page
    reads the same figure with the card itself (``with_valid_through``), in its one query.
    """
    first_open = (
        Bill.objects.filter(participant=participant, settled_on__isnull=True).order_by("month").values("month")[:1]
    )
    last = (
        Bill.objects.filter(participant=participant, settled_on__isnull=False)
        .filter(month__lt=Coalesce(Subquery(first_open), Value(_NO_OPEN_BILL)))
        .aggregate(month=Max("month"))["month"]
    )
    return valid_through_from(last)


def valid_through_from(last_paid_month: datetime.date | None) -> datetime.date | None:
    return month_end(last_paid_month) if last_paid_month else None


def with_valid_through(queryset: "QuerySet[M]", participant_field: str = "participant") -> "QuerySet[M]":
    """Annotate ``last_paid_month`` (see coverage_valid_through) onto rows that point at a
    participant, so a page reads it in the same query as the rows."""
    first_open = (
        Bill.objects.filter(participant=OuterRef(participant_field), settled_on__isnull=True)
        .order_by("month")
        .values("month")[:1]
    )
    last_paid = (
        Bill.objects.filter(participant=OuterRef(participant_field), settled_on__isnull=False)
        .filter(month__lt=Coalesce(OuterRef("first_open_month"), Value(_NO_OPEN_BILL)))
        .order_by("-month")
        .values("month")[:1]
    )
    return queryset.annotate(first_open_month=Subquery(first_open)).annotate(last_paid_month=Subquery(last_paid))
