"""Recount the dashboards' summary tables: `manage.py rebuild_tallies [--check]`. The
nightly beat task does the same; run it after loading participants, bills or payments in
bulk outside the services. ``--check`` only reports keys that disagree (exit 1 if any)."""

import sys
from typing import Any

from django.core.management.base import BaseCommand

from lindung.tallies.rebuild import differences, rebuild_tallies


class Command(BaseCommand):
    help = "Recount the dashboard summary tables from participants, bills and payments."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="only report differences; change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            wrong = differences()
            for table, keys in wrong.items():
                self.stdout.write(f"{table}: {len(keys)} keys differ")
                for key, (have, want) in list(keys.items())[:20]:
                    self.stdout.write(f"  {key}: stored {have}, recount {want}")
            if wrong:
                sys.exit(1)
            self.stdout.write("Tallies agree with a recount.")
            return
        result = rebuild_tallies()
        self.stdout.write(
            f"Tallies recounted in {result['seconds']} s; {result['corrected']} keys corrected, "
            f"{result['written']} rows written."
        )
