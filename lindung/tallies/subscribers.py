"""The dashboards' tallies follow the domain events (core/events.py): registered in
TalliesConfig.ready(), entered first and left last around every change that moves a
figure, so they read the figures before the change and after every other subscriber
(coverage, arrears, first bills) has done its part. Writers never call them."""

import contextlib
from collections.abc import Iterator

from django.utils import timezone

from lindung.core import events

from . import maintain
from .sources import ARREARS, MONEY, PEOPLE

# Changes to these participant fields move a participant between tally keys.
TALLIED_FIELDS = frozenset(
    {"coordinator", "village", "district", "community_group", "status", "registered_by", "registration_date"}
)


@contextlib.contextmanager
def _registered(event: events.Event) -> Iterator[None]:
    yield
    maintain.added(event.participant_ids)  # ids are known once the rows are saved


def _changed(event: events.Event) -> contextlib.AbstractContextManager[None] | None:
    if not TALLIED_FIELDS & set(event.facts.get("fields", ())):
        return None
    return maintain.tracking(event.participant_ids)


@contextlib.contextmanager
def _bills_generated(event: events.Event) -> Iterator[None]:
    # The monthly run: new bills only add their own amounts (no re-read of each
    # participant's history); a bill issued already past due moves its arrears.
    bills = event.objects.get("bills", [])
    today = timezone.localdate()
    late = [bill.participant_id for bill in bills if bill.due_date < today]
    with maintain.tracking(late, (ARREARS,)):
        yield
    maintain.bills_added(event.participant_ids, [bill.pk for bill in bills])


@contextlib.contextmanager
def _bills_issued(event: events.Event) -> Iterator[None]:
    # A few bills for one participant (a prepayment, an activation, the registration
    # month): as the monthly run, the new bills add their own amounts; the arrears row is
    # read before and after (a bill issued already past due puts them in arrears).
    with maintain.tracking(event.participant_ids, (ARREARS,)):
        yield
    bills = event.objects.get("bills")
    if bills is None:  # an emitter that does not hand over its bills: read before and after
        raise RuntimeError("A bill.issued event carries its new bills in event.objects['bills'].")
    maintain.bills_added(event.participant_ids, [bill.pk for bill in bills])


@contextlib.contextmanager
def _payment_recorded(event: events.Event) -> Iterator[None]:
    # The arrears tally reads the participant's one arrears row before and after (billing's
    # subscriber refreshes it inside); the money tallies add the payment's own rows
    # (maintain.payment_added) instead of re-reading every payment and bill of theirs.
    with maintain.tracking(event.participant_ids, (ARREARS,)):
        yield
        if event.subject_type != "billing.payment" or event.subject_id is None or len(event.participant_ids) != 1:
            raise RuntimeError("A payment.recorded event names its payment (event.about) and its one participant.")
        maintain.payment_added(event.participant_ids[0], event.subject_id)


def _arrears_rebuilt(event: events.Event) -> None:
    from .models import ArrearsTally
    from .rebuild import rebuild_tallies

    rebuild_tallies([ArrearsTally])


def register() -> None:
    events.subscribe("tallies.registered", {"participant.registered", "participants.registered"}, _registered, order=0)
    events.subscribe("tallies.changed", {"participant.changed", "participants.updated"}, _changed, order=0)
    events.subscribe(
        "tallies.people",
        {"participant.status_changed", "participant.deleted", "participants.reassigned"},
        lambda event: maintain.tracking(
            event.participant_ids, PEOPLE if event.kind.endswith("status_changed") else maintain.ALL
        ),
        order=0,
    )
    events.subscribe("tallies.payment", {"payment.recorded"}, _payment_recorded, order=0)
    events.subscribe(
        "tallies.money", {"payment.reversed"}, lambda e: maintain.tracking(e.participant_ids, MONEY), order=0
    )
    events.subscribe("tallies.bills", {"bill.issued"}, _bills_issued, order=0)
    events.subscribe("tallies.bills_generated", {"bills.generated"}, _bills_generated, order=0)
    events.subscribe("tallies.arrears_rebuilt", {"arrears.rebuilt"}, events.after(_arrears_rebuilt), order=0)
