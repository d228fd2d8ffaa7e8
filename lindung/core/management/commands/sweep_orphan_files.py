"""Remove uploaded files no row names (left by rolled-back transactions); beat runs the
same daily (lindung.core.sweep_orphan_files). See core/orphan_files.py."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lindung.core.orphan_files import DEFAULT_MIN_AGE, sweep


class Command(BaseCommand):
    help = "Remove uploaded files that no record names and that are older than --min-age-hours."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-age-hours",
            type=float,
            default=DEFAULT_MIN_AGE.total_seconds() / 3600,
            help="Only files older than this; younger ones may belong to a transaction still running.",
        )
        parser.add_argument("--dry-run", action="store_true", help="List what would go; remove nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["min_age_hours"] < 1:
            self.stderr.write("--min-age-hours must be at least 1: younger files may still be in use.")
            raise SystemExit(2)
        result = sweep(min_age=datetime.timedelta(hours=options["min_age_hours"]), dry_run=options["dry_run"])
        verb = "would remove" if options["dry_run"] else "removed"
        for name in result.removed:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(
            f"{result.checked} files checked, {len(result.removed)} {verb}, {result.kept_young} too young to judge."
        )
