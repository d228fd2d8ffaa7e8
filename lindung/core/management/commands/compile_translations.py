"""Compile locale/*/LC_MESSAGES/*.po to .mo with polib, so a fresh machine needs no
GNU gettext. Only recompiles when the .po is newer than its .mo."""

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile translation catalogues (.po -> .mo) without GNU gettext."

    def handle(self, *args: Any, **options: Any) -> None:
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                if options["verbosity"] > 1:
                    self.stdout.write(f"compiled {po_path}")
