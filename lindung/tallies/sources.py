"""What each tally holds, as an aggregate over the registry's own tables. The same
querysets feed the in-transaction upkeep (restricted to the participants being written)
and the nightly recount (everything), so the two cannot drift apart in meaning."""

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, Model, Q, QuerySet, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncMonth

from lindung.billing.models import Bill, ParticipantArrears, Payment, PaymentAllocation
from lindung.participants.models import Participant

from .models import ArrearsTally, MonthTally, ParticipantTally, PaymentTally


@dataclass(frozen=True, eq=False)  # hashed by identity: used as a dict key
class Source:
    name: str
    tally: type[Model]
    # aggregate alias -> expression over the source rows (keys), tally column -> aggregate (measures)
    keys: dict[str, object]
    measures: dict[str, object]
    model: type[Model]  # the rows aggregated
    participant_path: str  # lookup from a source row to its participant's id

    def aggregate(self, participant_ids: Iterable[int] | None = None, row_ids: Iterable[int] | None = None) -> QuerySet:
        rows = self.model.objects.all()  # type: ignore[attr-defined]
        if participant_ids is not None:
            rows = rows.filter(**{f"{self.participant_path}__in": list(participant_ids)})
        if row_ids is not None:
            rows = rows.filter(pk__in=id_set(row_ids))
        return rows.order_by().values(**self.keys).annotate(**self.measures)


def id_set(ids: Iterable[int]) -> RawSQL:
    """A list of ids as one bound value (a subquery over an array, or a JSON list on
    SQLite): a bill run's chunk reads 10,000 new bills by id, and Django's
    ``IN (%s, %s, ...)`` spent longer building and parsing 10,000 parameters than the
    query took to run."""
    values = [int(pk) for pk in ids]
    if connection.vendor == "postgresql":
        # An array literal cast in SQL: psycopg adapting a Python list of 10,000 ints
        # cost about as much as the query.
        return RawSQL("SELECT unnest(%s::bigint[])", ("{" + ",".join(map(str, values)) + "}",))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(values),))


def _participant_keys(prefix: str) -> dict[str, object]:
    return {
        "k_coordinator": Coalesce(f"{prefix}coordinator_id", Value(0)),
        "k_district": Coalesce(f"{prefix}district_id", Value("")),
        "k_group": Coalesce(f"{prefix}community_group_id", Value(0)),
    }


# The aggregate's key alias -> the tally's column (aliases must not clash with the source
# model's own field names, which values() refuses).
COLUMNS = {
    "k_coordinator": "coordinator_id",
    "k_district": "district_id",
    "k_group": "group_id",
    "k_registered_by": "registered_by_id",
    "k_status": "status",
    "k_month": "month",
    "k_recorded_by": "recorded_by_id",
    "k_collected_by": "collected_by_id",
    "k_months_owed": "months_owed",
}

PARTICIPANTS = Source(
    "participants",
    ParticipantTally,
    keys={
        **_participant_keys(""),
        "k_registered_by": Coalesce("registered_by_id", Value(0)),
        "k_status": F("status"),
    },
    measures={"participants": Count("id")},
    model=Participant,
    participant_path="pk",
)
REGISTRATIONS = Source(
    "registrations",
    MonthTally,
    keys={**_participant_keys(""), "k_month": TruncMonth("registration_date")},
    measures={"registrations": Count("id")},
    model=Participant,
    participant_path="pk",
)
PAYMENTS_BY_MONTH = Source(
    "payments by month",
    MonthTally,
    keys={**_participant_keys("participant__"), "k_month": TruncMonth("paid_on")},
    measures={
        "payment_records": Count("id"),
        "payments_received": Count("id", filter=Q(amount__gt=0)),
        "payments_amount": Sum("amount"),
    },
    model=Payment,
    participant_path="participant_id",
)
PAYMENTS_BY_PERSON = Source(
    "payments by recorder and collector",
    PaymentTally,
    keys={
        **_participant_keys("participant__"),
        "k_month": TruncMonth("paid_on"),
        "k_recorded_by": Coalesce("recorded_by_id", Value(0)),
        "k_collected_by": Coalesce("collected_by_id", Value(0)),
    },
    measures={"records": Count("id"), "received": Count("id", filter=Q(amount__gt=0)), "amount": Sum("amount")},
    model=Payment,
    participant_path="participant_id",
)
BILLS_BY_MONTH = Source(
    "bills",
    MonthTally,
    keys={**_participant_keys("participant__"), "k_month": F("month")},
    measures={"billed": Sum("amount"), "paid": Sum("paid_amount")},
    model=Bill,
    participant_path="participant_id",
)

# Not a tally of its own: what a payment's allocations add to BILLS_BY_MONTH's "paid" (each
# share is what its bill's paid_amount grew by), keyed as that source is. Lets a payment
# count itself without re-reading the participant's bills (maintain.payment_added); the
# recount reads BILLS_BY_MONTH.
ALLOCATIONS_PAID = Source(
    "paid by a payment's allocations",
    MonthTally,
    keys={**_participant_keys("bill__participant__"), "k_month": F("bill__month")},
    measures={"paid": Sum("amount")},
    model=PaymentAllocation,
    participant_path="bill__participant_id",
)

ARREARS = Source(
    "arrears",
    ArrearsTally,
    keys={**_participant_keys("participant__"), "k_months_owed": F("months_owed")},
    measures={"participants": Count("participant_id"), "amount": Sum("amount_owed")},
    model=ParticipantArrears,
    participant_path="participant_id",
)

PEOPLE = (PARTICIPANTS, REGISTRATIONS)
PAYMENTS = (PAYMENTS_BY_MONTH, PAYMENTS_BY_PERSON)
# Issuing a bill already past due puts its participant in arrears at once.
BILLS = (BILLS_BY_MONTH, ARREARS)
MONEY = (*PAYMENTS, *BILLS)
SOURCES = (*PEOPLE, *MONEY)
TALLIES = (ParticipantTally, MonthTally, PaymentTally, ArrearsTally)
