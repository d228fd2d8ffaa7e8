from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lindung.regions.models import Level
from lindung.regions.services import RegionImportError, regions_import_csv


class Command(BaseCommand):
    help = (
        "Import the official Kemendagri region list from a CSV of `kode,nama` rows with dotted codes "
        "(11, 11.01, 11.01.01, 11.01.01.2001), or an SQL dump of INSERT rows ('kode','nama'). "
        "All rows are checked first; any problem imports nothing. "
        "Safe to run again: unchanged rows are left alone, changed names are updated."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", help="CSV or SQL file, UTF-8 (a BOM and a CSV header row are fine)")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = regions_import_csv(path=options["path"], dry_run=options["dry_run"])
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {options['path']}") from exc
        except RegionImportError as exc:
            raise CommandError(exc.summary()) from exc

        self.stdout.write(f"{'level':<14}{'created':>10}{'updated':>10}{'unchanged':>11}")
        for level in Level:
            c = result.counts[level]
            self.stdout.write(f"{level.label!s:<14}{c.created:>10,}{c.updated:>10,}{c.unchanged:>11,}")
        self.stdout.write(f"{'total':<14}{result.created:>10,}{result.updated:>10,}{result.unchanged:>11,}")
        verb = "Checked (dry run, nothing written)" if result.dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {result.rows:,} rows in {result.seconds:.2f} s"))
