"""Daily coverage refresh: `manage.py refresh_coverage [--on YYYY-MM-DD]`. Finds in one
query who may change status (active with a late bill, or non-active) and applies the
lapse rule to each; safe to repeat."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lindung.billing.bills.jobs import COVERAGE_LOCK, Busy, lock, refresh_coverage


class Command(BaseCommand):
    help = "Move participants between active and non-active as the lapse rule says."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--on", help="YYYY-MM-DD; default today")

    def handle(self, *args: Any, **options: Any) -> None:
        on = None
        if options.get("on"):
            try:
                on = datetime.date.fromisoformat(options["on"])
            except ValueError as exc:
                raise CommandError("Give the day as YYYY-MM-DD.") from exc
        try:
            with lock(COVERAGE_LOCK):
                result = refresh_coverage(on)
        except Busy as exc:
            raise CommandError("Another coverage refresh is in progress.") from exc
        self.stdout.write(
            f"{result['checked']} participants checked, {result['lapsed']} became non-active, "
            f"{result['reactivated']} active again ({result['seconds']} s)."
        )
