"""Writing a campaign's outbox rows in one set-based ``INSERT ... SELECT`` (MSG-4, MSG-6).

The SELECT is the segment's (or the policy stage's) own query, so 250,000 rows are
written by the database without passing through Python, and ``ON CONFLICT (dedupe_key)
DO NOTHING`` makes planning idempotent: planning again (a retry, a second click, the
policy run going twice) adds only what is missing. Texts are filled in just before
sending (campaigns/sendtime.py), when payment and consent are checked again too."""

import datetime
from typing import Any

from django.db import connection
from django.db.models import BigIntegerField, F, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone

from lindung.billing.models import Bill
from lindung.core import access

from ..campaign_models import Campaign
from ..models import OutboxMessage
from .control import hold_back_control
from .segments import segment_queryset

COLUMNS = (
    "participant_id, bill_id, stage, channel, dedupe_key, source, template, language, params, body, sender, "
    "to_number, status, attempt_count, provider_message_id, error_code, error_detail, skip_reason, lease_owner, "
    "created_at"
)


def campaign_stage(campaign: Campaign) -> str:
    """The outbox stage: the policy stage's key, or one per one-off campaign."""
    return campaign.stage.key if campaign.stage_id and campaign.stage else f"c{campaign.pk}"


def _insert(campaign: Campaign, select_sql: str, select_params: tuple[Any, ...]) -> int:
    """Insert one outbox row per (pid, bid) of the inner SELECT; how many were new."""
    stage, channel = campaign_stage(campaign), campaign.channel
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    empty_list = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    # Only quoted names and %s placeholders go into the text; values are parameters.
    sql = (
        f"INSERT INTO {table} ({COLUMNS}) "  # noqa: S608
        f"SELECT t.pid, t.bid, %s, %s, "
        f"CAST(t.pid AS TEXT) || ':' || COALESCE(CAST(t.bid AS TEXT), '-') || ':' || %s || ':' || %s, "
        f"%s, %s, %s, {empty_list}, '', '', '', 'queued', 0, '', '', '', '', '', %s "
        f"FROM ({select_sql}) t WHERE true ON CONFLICT (dedupe_key) DO NOTHING"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    row = (stage, channel, stage, channel, campaign.source, campaign.template.whatsapp_name, campaign.language, "[]")
    with connection.cursor() as cursor:
        cursor.execute(sql, (*row, now, *select_params))
        return max(cursor.rowcount, 0)


def _as_select(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def plan_segment(campaign: Campaign, *, ids: tuple[int, int] | None = None) -> int:
    """Rows for every participant of the campaign's segment, seen by its author (only
    those with ``ids[0] <= id < ids[1]`` when a slice is given)."""
    assert campaign.segment is not None
    principal = access.principal_of(campaign.created_by)
    members = segment_queryset(principal, campaign.segment.criteria).order_by()
    if ids is not None:
        members = members.filter(pk__gte=ids[0], pk__lt=ids[1])
    return _insert(
        campaign,
        *_as_select(members.annotate(pid=F("pk"), bid=Cast(Value(None), BigIntegerField())).values("pid", "bid")),
    )


def policy_bills(campaign: Campaign) -> QuerySet[Bill]:
    """The open bills of the stage's category that fall due on the campaign's day."""
    assert campaign.stage is not None and campaign.due_date is not None
    bills = Bill.objects.filter(due_date=campaign.due_date, settled_on__isnull=True, paid_amount__lt=F("amount"))
    if campaign.stage.category:
        bills = bills.filter(participant__category=campaign.stage.category)
    return bills.filter(participant__status="active").order_by()


def plan_policy(campaign: Campaign) -> int:
    bills = policy_bills(campaign).annotate(pid=F("participant_id"), bid=F("pk")).values("pid", "bid")
    return _insert(campaign, *_as_select(bills))


def campaign_plan(campaign: Campaign) -> int:
    """Write the campaign's rows (idempotent), hold back the policy's control group, and
    return how many rows are new."""
    planned = plan_policy(campaign) if campaign.stage_id else plan_segment(campaign)
    hold_back_control(campaign)
    return planned


def today_local() -> datetime.date:
    return timezone.localdate()
