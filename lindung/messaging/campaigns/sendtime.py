"""What the dispatcher asks about campaign rows just before sending them (MSG-1, MSG-3).

- A cancelled campaign's rows are skipped (``cancelled``), should one slip past the bulk
  skip of the cancel.
- Quiet hours in the recipient's own time zone (WIB/WITA/WIT from their district,
  timezones.py): the row waits in the queue until the morning there, it never fails.
- A segment of late payers is asked again whether the person still owes: someone who
  paid since the campaign was planned is skipped as ``paid`` (bill rows: the dispatcher
  already checks the bill itself).
- The text is filled now, from today's figures; a variable that would be empty skips
  the row as ``empty:<variable>``.
Consent, phone and number validity are the dispatcher's own checks (dispatch.py)."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings

from lindung.billing.models import Bill, ParticipantArrears
from lindung.participants.models import Participant

from ..campaign_models import Campaign, CampaignStatus
from ..models import OutboxMessage
from .templating import fill, values_for
from .timezones import zone_of

PREFIX = "campaign:"


@dataclass
class Prepared:
    skips: dict[int, str] = field(default_factory=dict)
    defer: dict[int, datetime.datetime] = field(default_factory=dict)


def quiet_hours() -> tuple[int, int]:
    """(start, end) local hours during which nothing is sent; default 21:00-08:00."""
    start, end = settings.LINDUNG_MESSAGING.get("QUIET_HOURS", (21, 8))
    return int(start), int(end)


def next_allowed(now: datetime.datetime, region_code: str | None) -> datetime.datetime | None:
    """None if a message may go now where the recipient lives, else when it may."""
    start, end = quiet_hours()
    if start == end:
        return None
    local = now.astimezone(zone_of(region_code))
    quiet = local.hour >= start or local.hour < end if start > end else start <= local.hour < end
    if not quiet:
        return None
    morning = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if morning <= local:
        morning += datetime.timedelta(days=1)
    return morning


def _wants_late(campaign: Campaign) -> bool:
    criteria = campaign.segment.criteria if campaign.segment else {}
    return criteria.get("standing") == "late" or bool(criteria.get("months_min")) or bool(criteria.get("owed_min"))


def campaign_id(row: OutboxMessage) -> int | None:
    if row.source.startswith(PREFIX) and row.source[len(PREFIX) :].isdigit():
        return int(row.source[len(PREFIX) :])
    return None


def prepare(rows: list[OutboxMessage], now: datetime.datetime) -> Prepared:
    result = Prepared()
    mine = [(row, campaign_id(row)) for row in rows]
    mine = [(row, cid) for row, cid in mine if cid is not None]
    if not mine:
        return result
    campaigns = Campaign.objects.select_related("template", "segment").in_bulk({cid for _, cid in mine})
    people = Participant.objects.select_related("coordinator").in_bulk({row.participant_id for row, _ in mine})
    still_owing = set(
        ParticipantArrears.objects.filter(participant_id__in=people).values_list("participant_id", flat=True)
    )
    bills = Bill.objects.in_bulk({row.bill_id for row, _ in mine if row.bill_id})
    to_fill: list[tuple[OutboxMessage, Campaign]] = []
    for row, cid in mine:
        campaign = campaigns.get(cid or 0)
        person = people[row.participant_id]
        if campaign is None or campaign.status == CampaignStatus.CANCELLED:
            result.skips[row.pk] = "cancelled"
        elif _wants_late(campaign) and not row.bill_id and person.pk not in still_owing:
            result.skips[row.pk] = "paid"
        elif (when := next_allowed(now, person.district_id)) is not None:
            result.defer[row.pk] = when
        else:
            to_fill.append((row, campaign))
    filled: list[OutboxMessage] = []
    for language in {c.language for _, c in to_fill}:
        batch = [(r, c) for r, c in to_fill if c.language == language]
        values = values_for(
            [people[r.participant_id] for r, _ in batch],
            bills={r.participant_id: bills[r.bill_id] for r, _ in batch if r.bill_id in bills},
            language=language,
        )
        for row, campaign in batch:
            text = fill(campaign.template.text(language), values[row.participant_id])
            if text.missing:
                result.skips[row.pk] = f"empty:{text.missing}"[:30]
                continue
            row.params, row.body = list(text.params), text.text
            filled.append(row)
    OutboxMessage.objects.bulk_update(filled, ["params", "body"])
    return result
