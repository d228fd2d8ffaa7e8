"""The reminder policy's control group (MSG-10): after a policy campaign's rows are
planned, the share of people in force that day (effect.models.ControlShare) is held back:
their rows stay, marked skipped with reason "control", so the effect report compares
them with the reminded ones.

The group hashed is the bill month's policy ("policy:<due date>"), not the campaign: a
person held back is held back from every stage of that month (before, on and after the
due day), so the comparison is "reminded that month" against "not reminded at all".
One-off campaigns hold nobody back: whoever writes one chose the people on purpose.

Runs inside the launch transaction, so the dispatcher never sees a held-out row queued."""

from django.utils import timezone

from ..campaign_models import Campaign
from ..effect.holdout import CONTROL_REASON, held_out
from ..effect.models import ControlShare
from ..models import OutboxMessage, Status


def control_group(campaign: Campaign) -> str:
    return f"policy:{campaign.due_date.isoformat()}" if campaign.due_date else ""


def hold_back_control(campaign: Campaign) -> int:
    """Mark the held-out rows of a just-planned policy campaign; how many."""
    if not campaign.stage_id or campaign.due_date is None:
        return 0
    percent = ControlShare.on(timezone.localdate())
    group = control_group(campaign)
    rows = OutboxMessage.objects.filter(source=campaign.source, status=Status.QUEUED, attempt_count=0)
    held = [
        pk
        for pk, participant_id in rows.values_list("pk", "participant_id").iterator(chunk_size=10_000)
        if held_out(participant_id, group, percent)
    ]
    now = timezone.now()
    for start in range(0, len(held), 2_000):
        rows.filter(pk__in=held[start : start + 2_000]).update(
            status=Status.SKIPPED, skip_reason=CONTROL_REASON, status_at=now
        )
    return len(held)
