"""Recount the arrears page's table: `manage.py rebuild_arrears [--on YYYY-MM-DD]`. The
daily beat task does the same at 00:05; run it by hand after loading bills in bulk or when
the page says its figures are from an earlier day. Safe to repeat."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lindung.billing.bills.jobs import ARREARS_LOCK, Busy, lock, rebuild_arrears


class Command(BaseCommand):
    help = "Recount every participant's months and amount in arrears (the arrears page's table)."

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
            with lock(ARREARS_LOCK):
                result = rebuild_arrears(on)
        except Busy as exc:
            raise CommandError("Another arrears recount is in progress.") from exc
        except ValueError as exc:
            raise CommandError("Give today or an earlier day.") from exc
        self.stdout.write(
            f"Arrears as of {result['day']}: {result['late_payers']} late payers ({result['seconds']} s)."
        )
