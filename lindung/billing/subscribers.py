"""Billing's reactions to domain events (core/events.py), registered in
BillingConfig.ready(): writers say what happened; the arrears table, coverage status and
first bills follow here, inside the same transaction."""

from lindung.billing.arrears.table import arrears_refresh, arrears_refresh_if_late
from lindung.billing.bills.coverage import coverage_refresh
from lindung.billing.bills.services import bill_on_activation
from lindung.core import events
from lindung.participants.models import Participant, Status


def _after_payment(event: events.Event) -> None:
    # A payment or its reversal can end or restart a lapse, and always moves the arrears.
    participant = event.objects.get("participant") or Participant.objects.get(pk=event.participant_ids[0])
    coverage_refresh(participant)
    arrears_refresh(event.participant_ids)


def _after_bills(event: events.Event) -> None:
    arrears_refresh_if_late(event.objects.get("bills", []))


def _first_bill(event: events.Event) -> None:
    """A member activated by a person owes from that month on (the system's own
    reactivation after a payment bills nothing new)."""
    if event.kind == "participant.status_changed":
        if event.facts.get("target") != Status.ACTIVE or event.actor_id is None:
            return
        activated = event.participant_ids
    else:  # a bulk update that activated some of its rows
        activated = event.facts.get("activated", [])
    for participant in Participant.objects.filter(pk__in=activated).order_by("pk"):
        bill_on_activation(participant)


def register() -> None:
    events.subscribe("billing.after_payment", {"payment.recorded", "payment.reversed"}, events.after(_after_payment))
    events.subscribe("billing.late_bills", {"bill.issued", "bills.generated"}, events.after(_after_bills))
    events.subscribe(
        "billing.first_bill", {"participant.status_changed", "participants.updated"}, events.after(_first_bill)
    )
