"""Monthly bill run: `manage.py generate_bills [--month 2026-03]`. Safe to repeat (it
creates only what is missing) and safe to start twice (a lock lets one run at a time)."""

import datetime
from typing import Any

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lindung.billing.bills.services import bills_generate

LOCK_KEY = "lindung:billing:generate_bills"
LOCK_SECONDS = 60 * 60


class Command(BaseCommand):
    help = "Create the missing monthly bills of active participants for a month (default: this month)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", help="YYYY-MM; default the current month")

    def handle(self, *args: Any, **options: Any) -> None:
        month = self._month(options.get("month"))
        if not cache.add(LOCK_KEY, "1", LOCK_SECONDS):
            raise CommandError("Another bill run is in progress.")
        try:
            result = bills_generate(month=month)
        finally:
            cache.delete(LOCK_KEY)
        self.stdout.write(
            f"{month:%Y-%m}: {result.created} bills created, {result.already_billed} already billed, "
            f"{len(result.problems)} participants could not be billed."
        )
        for participant_id, problem in list(result.problems.items())[:20]:
            self.stdout.write(f"  participant {participant_id}: {problem}")

    @staticmethod
    def _month(raw: str | None) -> datetime.date:
        if not raw:
            return timezone.localdate().replace(day=1)
        try:
            return datetime.datetime.strptime(raw, "%Y-%m").date()
        except ValueError as exc:
            raise CommandError("Give the month as YYYY-MM, e.g. 2026-03.") from exc
