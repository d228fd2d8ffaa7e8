"""The claims app's event subscribers (registered from ClaimsConfig.ready)."""

from lindung.core import events

from . import participant_moves
from .dashboard import subscribers as dashboard_subscribers
from .notifications import ClaimNotification


def _notify(event: events.Event) -> None:
    if not event.participant_ids or event.subject_id is None:
        return
    ClaimNotification.objects.create(
        claim_id=event.subject_id,
        participant_id=event.participant_ids[0],
        status=event.facts["target"],
        reason=event.facts.get("reason", ""),
    )


def register() -> None:
    dashboard_subscribers.register()
    participant_moves.register()
    events.subscribe("claims.notify_participant", ["claim.status_changed"], events.after(_notify), order=60)
