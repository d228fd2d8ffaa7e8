"""Fail when the Indonesian catalogue has untranslated or fuzzy entries: Indonesian is
the default language, so a missing translation is a visible defect."""

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Check that the Indonesian translation catalogue is complete."

    def handle(self, *args: Any, **options: Any) -> None:
        problems: list[str] = []
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in Path(locale_dir).glob("id/LC_MESSAGES/*.po"):
                catalogue = polib.pofile(str(po_path))
                problems += [f"{po_path}: untranslated: {e.msgid!r}" for e in catalogue.untranslated_entries()]
                problems += [f"{po_path}: fuzzy: {e.msgid!r}" for e in catalogue.fuzzy_entries()]
        if problems:
            raise CommandError("Incomplete translations:\n" + "\n".join(problems[:50]))
        self.stdout.write("Translations complete.")
