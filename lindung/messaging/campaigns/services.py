"""Writes for templates, segments and campaigns (MSG-1, MSG-2, MSG-4). Every write is
guarded through core.access; campaign status changes go through campaigns/states.py."""

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.core import access
from lindung.core.phones import normalize_mobile
from lindung.participants.models import Category, Participant
from lindung.participants.models import Status as ParticipantStatus

from ..campaign_models import Campaign, CampaignStatus, MessageTemplate, Segment
from ..models import OutboxMessage, SourcePause, Status
from ..outbox import kick
from ..providers import Outgoing, provider_for
from .launching import still_planning
from .planning import campaign_plan
from .segments import KEYS
from .states import campaign_states
from .templating import Filled, check_text, fill, values_for

TEMPLATE_FIELDS = ("title", "text_id", "text_en", "whatsapp_name", "approval")


def template_save(*, actor: User, data: Mapping[str, Any], template: MessageTemplate | None = None) -> MessageTemplate:
    """Create or change a template; a text with an unknown variable is refused, naming it."""
    principal = access.principal_of(actor)
    if template is None:
        access.require_may(principal, MessageTemplate, "add")
        template = MessageTemplate(created_by=actor)
    else:
        access.require(principal, template, "change")
    errors: dict[str, Any] = {}
    for name in ("text_id", "text_en"):
        try:
            check_text(str(data.get(name, "")))
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    for name in TEMPLATE_FIELDS:
        if name in data:
            setattr(template, name, data[name])
    template.full_clean()
    template.save()
    return template


def template_preview(
    *, actor: User, template: MessageTemplate, participant: Participant, language: str = "id"
) -> Filled:
    """The template as this participant would receive it today (scoped: only someone the
    author may see)."""
    principal = access.principal_of(actor)
    access.require(principal, template, "view")
    access.require(principal, participant, "view")
    values = values_for([participant], language=language)[participant.pk]
    return fill(template.text(language), values)


NUMBERS = ("months_min", "months_max", "owed_min", "owed_max", "group", "coordinator", "quiet_days")
CHOICES: dict[str, frozenset[str]] = {
    "standing": frozenset({"late", "current"}),
    "consent": frozenset({"given", "not_given"}),
    "category": frozenset(Category.values),
    "status": frozenset(ParticipantStatus.values),
}
REGION = re.compile(r"\d{2}(\.\d{2}){0,2}")


def clean_criteria(data: Mapping[str, Any]) -> dict[str, Any]:
    """Only known keys with a value; numbers as numbers; a value that cannot be asked
    (a word where a number goes, an unknown standing, a region that is no code) is
    refused by name rather than ignored."""
    criteria: dict[str, Any] = {}
    for key in KEYS:
        value = data.get(key)
        if value in (None, "", []):
            continue
        if key in NUMBERS:
            if isinstance(value, bool) or not str(value).strip().isdigit():
                raise ValidationError({key: _("Enter a whole number, zero or more.")})
            value = int(str(value).strip())
            if value > 10**15:
                raise ValidationError({key: _("This number is too large.")})
        elif key in CHOICES:
            if not isinstance(value, str) or value not in CHOICES[key]:
                raise ValidationError(
                    {key: _("Choose one of: %(options)s.") % {"options": ", ".join(sorted(CHOICES[key]))}}
                )
        elif key == "region" and not (isinstance(value, str) and REGION.fullmatch(value)):
            raise ValidationError({key: _("Write a region code such as 14, 14.03 or 14.03.01.")})
        criteria[key] = value
    return criteria


def segment_save(*, actor: User, name: str, criteria: Mapping[str, Any], segment: Segment | None = None) -> Segment:
    principal = access.principal_of(actor)
    if segment is None:
        access.require_may(principal, Segment, "add")
        segment = Segment(created_by=actor)
    else:
        access.require(principal, segment, "change")
    if not name.strip():
        raise ValidationError({"name": _("Give the segment a name.")})
    segment.name, segment.criteria = name.strip(), clean_criteria(criteria)
    segment.save()
    return segment


def campaign_create(
    *,
    actor: User,
    name: str,
    template: MessageTemplate,
    segment: Segment,
    channel: str = "whatsapp",
    language: str = "id",
    scheduled_for: datetime.datetime | None = None,
) -> Campaign:
    principal = access.principal_of(actor)
    access.require_may(principal, Campaign, "add")
    access.require(principal, template, "view")
    access.require(principal, segment, "view")
    campaign = Campaign(
        name=name.strip() or template.title,
        template=template,
        segment=segment,
        channel=channel,
        language=language,
        scheduled_for=scheduled_for,
        created_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    if scheduled_for is not None:
        campaign_states.move(campaign, "schedule", actor=actor)
    return campaign


def campaign_launch(*, actor: User | None, campaign: Campaign) -> int:
    """Write every outbox row (one INSERT ... SELECT) and start sending; how many rows."""
    with transaction.atomic():
        campaign_states.move(campaign, "launch", actor=actor)
        planned = campaign_plan(campaign)
        Campaign.objects.filter(pk=campaign.pk).update(planned=planned, started_at=timezone.now())
        campaign.planned = planned
        transaction.on_commit(kick)
    return planned


def campaign_pause(*, actor: User, campaign: Campaign) -> None:
    with transaction.atomic():
        campaign_states.move(campaign, "pause", actor=actor)
        SourcePause.objects.get_or_create(
            source=campaign.source, defaults={"paused_reason": _("Paused by %(who)s") % {"who": actor}}
        )


def campaign_resume(*, actor: User, campaign: Campaign) -> None:
    with transaction.atomic():
        campaign_states.move(campaign, "resume", actor=actor)
        SourcePause.objects.filter(source=campaign.source).delete()
        transaction.on_commit(kick)


def campaign_cancel(*, actor: User, campaign: Campaign) -> int:
    """Cancel; rows not yet handed to a provider are skipped (``cancelled``). How many."""
    with transaction.atomic():
        campaign_states.move(campaign, "cancel", actor=actor)
        SourcePause.objects.filter(source=campaign.source).delete()
        now = timezone.now()
        return OutboxMessage.objects.filter(source=campaign.source, status=Status.QUEUED).update(
            status=Status.SKIPPED, skip_reason="cancelled", status_at=now
        )


OPEN = (Status.QUEUED, Status.SENDING, Status.UNKNOWN)


def campaign_settle(campaign: Campaign) -> Campaign:
    """A running campaign with nothing left to send is completed (the system)."""
    if campaign.status != CampaignStatus.RUNNING or still_planning(campaign):
        return campaign
    if OutboxMessage.objects.filter(source=campaign.source, status__in=OPEN).exists():
        return campaign
    campaign_states.move(campaign, "complete", actor=None, unless_there=True)
    Campaign.objects.filter(pk=campaign.pk, finished_at__isnull=True).update(finished_at=timezone.now())
    return campaign


@dataclass(frozen=True)
class Progress:
    planned: int
    by_status: dict[str, int]
    skipped: dict[str, int]
    done: int
    remaining: int
    per_minute: float
    eta_minutes: float | None

    @property
    def percent(self) -> int:
        total = self.done + self.remaining
        return round(100 * self.done / total) if total else 0


def campaign_progress(campaign: Campaign, *, now: datetime.datetime | None = None) -> Progress:
    """Counts by status and skip reason, the sending rate of the last 10 minutes and the
    time left at that rate."""
    now = now or timezone.now()
    rows = OutboxMessage.objects.filter(source=campaign.source)
    by_status = {r["status"]: r["n"] for r in rows.values("status").annotate(n=Count("id")).order_by()}
    skipped = {
        r["skip_reason"]: r["n"]
        for r in rows.filter(status=Status.SKIPPED).values("skip_reason").annotate(n=Count("id")).order_by()
    }
    remaining = sum(by_status.get(s, 0) for s in OPEN)
    done = sum(by_status.values()) - remaining
    window = datetime.timedelta(minutes=10)
    recent = rows.filter(sent_at__gte=now - window).count()
    per_minute = recent / 10
    eta = (remaining / per_minute) if per_minute and remaining else None
    return Progress(campaign.planned, by_status, skipped, done, remaining, per_minute, eta)


def campaign_test_send(*, actor: User, campaign: Campaign, participant: Participant | None = None) -> str:
    """Send the campaign's message, filled for one of its participants (or with the
    author's own name), to the author's own phone; not through the outbox: it is not a
    reminder to anyone. Returns the provider's message id."""
    principal = access.principal_of(actor)
    access.require(principal, campaign, "test_send")
    try:
        to = normalize_mobile(actor.phone)
    except ValidationError as exc:
        raise ValidationError(_("Your own mobile number is not valid: %(error)s") % {"error": exc.messages[0]}) from exc
    if not to:
        raise ValidationError(_("Add your own mobile number to your account first."))
    if participant is not None:
        access.require(principal, participant, "view")
        values = values_for([participant], language=campaign.language)[participant.pk]
    else:
        values = {}
    filled = fill(campaign.template.text(campaign.language), values)
    result = provider_for(campaign.channel).send(
        Outgoing(
            outbox_id=0,
            channel=campaign.channel,
            to=to,
            template=campaign.template.whatsapp_name,
            language=campaign.language,
            params=list(filled.params),
            body=_("[TEST] ") + filled.text,
            sender="",
        )
    )
    if result.outcome != "accepted":
        raise ValidationError(_("The provider refused the test message: %(detail)s") % {"detail": result.detail})
    return result.provider_message_id
