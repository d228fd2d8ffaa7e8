"""`manage.py backup [--output FILE]`: one archive with the database, the uploaded
documents and a manifest to check a restore against (see docs/operations.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lindung.operations.backup.archive import BackupError, backup_create, describe
from lindung.operations.backup.engines import EngineError


class Command(BaseCommand):
    help = "Write a backup archive (database, uploaded documents, manifest) while the application runs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", type=Path, help="archive path; default LINDUNG_BACKUP_DIR/lindung-<time>.tar")
        parser.add_argument("--database", default="default", help="database alias (default: default)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path, manifest = backup_create(options["output"], alias=options["database"])
        except (BackupError, EngineError, OSError) as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        size = path.stat().st_size
        self.stdout.write(f"{path} ({size / 1e6:.1f} MB, {manifest['seconds']} s): {describe(manifest)}.")
