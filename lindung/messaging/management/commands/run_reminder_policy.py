"""Run the reminder policy for a day by hand (beat runs it daily): idempotent."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lindung.messaging.campaigns.policy import policy_run


class Command(BaseCommand):
    help = "Create and launch the reminder policy's campaigns for a day (default today)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", type=datetime.date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args: Any, day: datetime.date | None = None, **options: Any) -> None:
        run = policy_run(day)
        self.stdout.write(f"{run.campaigns} campaigns, {run.messages} messages")
