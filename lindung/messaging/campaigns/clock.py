"""The campaigns' clock: start scheduled campaigns whose time has come, mark finished
ones completed, and run the day's reminder policy. Celery beat calls the tasks in
production (schedule.py); under ``make run`` (LINDUNG_JOBS_MODE=thread, no beat) one
daemon thread per process ticks every minute, started by the first reminder page opened."""

import logging
import threading
import time

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from ..campaign_models import Campaign, CampaignStatus
from .policy import TASK_NAME as POLICY_TASK
from .policy import policy_run
from .services import campaign_launch, campaign_settle

logger = logging.getLogger(__name__)
TICK_TASK = "lindung.messaging.campaigns_tick"
TICK_SECONDS = 60


def campaigns_tick() -> int:
    """Start what is due and settle what is done; how many campaigns were started."""
    started = 0
    due = Campaign.objects.filter(status=CampaignStatus.SCHEDULED, scheduled_for__lte=timezone.now())
    for campaign in due.select_related("template", "segment", "created_by"):
        campaign_launch(actor=None, campaign=campaign)
        started += 1
    for campaign in Campaign.objects.filter(status=CampaignStatus.RUNNING):
        campaign_settle(campaign)
    return started


@shared_task(name=TICK_TASK)
def campaigns_tick_task() -> int:
    return campaigns_tick()


@shared_task(name=POLICY_TASK)
def reminder_policy_task() -> int:
    return policy_run().messages


_ticker = threading.Lock()


def ensure_ticker() -> None:
    """Under ``make run`` only: one thread per process ticks the clock and runs the
    policy (idempotent, so a restart that runs it again sends nothing twice)."""
    if settings.LINDUNG_JOBS_MODE != "thread" or not _ticker.acquire(blocking=False):
        return
    threading.Thread(target=_tick_forever, daemon=True, name="campaign-clock").start()


def _tick_forever() -> None:
    while True:
        try:
            policy_run()
            campaigns_tick()
        except Exception:  # keep ticking; the next minute tries again
            logger.exception("campaign clock tick failed")
        finally:
            close_old_connections()
        time.sleep(TICK_SECONDS)
