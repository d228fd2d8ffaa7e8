"""`manage.py restore ARCHIVE`: restore a backup into an empty database and the file
folders, then check every table and file against the archive's manifest. `--check` only
verifies the archive (a cheap drill for off-machine copies). Exit 1 on any difference."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lindung.operations.backup.archive import BackupError, backup_restore, describe
from lindung.operations.backup.engines import EngineError


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and check it against its manifest."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database", default="default", help="database alias (default: default)")
        parser.add_argument("--check", action="store_true", help="only verify the archive; restore nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(options["archive"], alias=options["database"], check_only=options["check"])
        except (BackupError, EngineError) as exc:
            raise CommandError(str(exc)) from exc
        summary = describe(report.manifest)
        if options["check"]:
            self.stdout.write(f"Archive intact: {summary}.")
            return
        if not report.ok:
            for table, problem in report.tables.items():
                self.stderr.write(f"table {table}: {problem}")
            for name, problem in report.files.items():
                self.stderr.write(f"file {name}: {problem}")
            self.stderr.write(
                f"Restore does NOT match the backup: {len(report.tables)} tables and {len(report.files)} files "
                "differ. Do not use this database."
            )
            sys.exit(1)
        self.stdout.write(
            f"Restored and checked: {summary}; every table and file matches the manifest "
            f"(table checksums: {', '.join(report.algorithms)})."
        )
        if report.migrations_behind:
            self.stdout.write(
                f"The code has {len(report.migrations_behind)} migrations newer than the backup: "
                "run `manage.py migrate` next."
            )
