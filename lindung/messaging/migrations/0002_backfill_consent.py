"""The ledger starts from what the participant records say today: one "given" row per
participant who agreed to be contacted (when and how as recorded). Participants who did
not agree get no row, which reads the same: not to be messaged."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

BATCH = 5000


def backfill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Participant = apps.get_model("participants", "Participant")
    ConsentRecord = apps.get_model("messaging", "ConsentRecord")
    rows = (
        Participant.objects.filter(contact_consent=True)
        .order_by("pk")
        .values_list("pk", "consent_at", "consent_method", "updated_at")
    )
    batch = []
    for pk, consent_at, method, updated_at in rows.iterator(chunk_size=BATCH):
        batch.append(
            ConsentRecord(
                participant_id=pk,
                channel="all",
                given=True,
                at=consent_at or updated_at,
                method=method or "",
                evidence="participant record (backfill)",
            )
        )
        if len(batch) >= BATCH:
            ConsentRecord.objects.bulk_create(batch)
            batch = []
    ConsentRecord.objects.bulk_create(batch)


def unfill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("messaging", "ConsentRecord").objects.filter(evidence="participant record (backfill)").delete()


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(backfill, unfill)]
