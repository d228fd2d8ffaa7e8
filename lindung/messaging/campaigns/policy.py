"""The reminder policy run (MSG-3, MSG-4): every day, for each stage in force, the bills
falling due ``offset_days`` ago (or ahead) get a campaign of their own, created and
launched by the system. One campaign per (stage, due date) under a UNIQUE constraint
and outbox rows keyed per (participant, bill, stage, channel), so running it twice, or
after a crash half-way, sends nothing twice. Celery beat runs it daily in production
(schedule.py); ``make run``'s embedded runner calls it when the dispatcher thread
starts and every day after (``manage.py run_reminder_policy`` does it by hand)."""

import datetime
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ..campaign_models import Campaign, CampaignStatus, ReminderStage
from .services import campaign_launch

logger = logging.getLogger(__name__)
TASK_NAME = "lindung.messaging.reminder_policy"


def stages_on(day: datetime.date) -> list[ReminderStage]:
    """The stages in force on ``day`` (valid_to inclusive)."""
    return list(
        ReminderStage.objects.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("template")
    )


@dataclass
class PolicyRun:
    campaigns: int = 0
    messages: int = 0


def policy_run(day: datetime.date | None = None) -> PolicyRun:
    day = day or timezone.localdate()
    run = PolicyRun()
    for stage in stages_on(day):
        due = day - datetime.timedelta(days=stage.offset_days)
        try:
            with transaction.atomic():
                campaign, _created = Campaign.objects.get_or_create(
                    stage=stage,
                    due_date=due,
                    defaults={
                        "name": f"{stage.key} · {due.isoformat()}",
                        "template": stage.template,
                        "channel": stage.channel,
                    },
                )
        except IntegrityError:  # a second run created it meanwhile
            continue
        if campaign.status == CampaignStatus.DRAFT:
            run.messages += campaign_launch(actor=None, campaign=campaign)
            run.campaigns += 1
    if run.campaigns:
        logger.info("reminder policy %s: %s campaigns, %s messages", day, run.campaigns, run.messages)
    return run
