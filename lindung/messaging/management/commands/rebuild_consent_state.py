"""Recompute every participant's latest consent per channel from the ledger: idempotent."""

from typing import Any

from django.core.management.base import BaseCommand

from lindung.messaging.consent import consent_state_rebuild


class Command(BaseCommand):
    help = "Recompute ConsentState (the latest consent per participant and channel) from the consent ledger."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{consent_state_rebuild()} rows written")
