from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from lindung.jobs.services import jobs_requeue_stale


class Command(BaseCommand):
    help = "Requeue jobs whose worker died or whose queue message was lost (run every few minutes)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--minutes", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        count = jobs_requeue_stale(older_than=timedelta(minutes=options["minutes"]))
        self.stdout.write(f"{count} job(s) requeued.")
