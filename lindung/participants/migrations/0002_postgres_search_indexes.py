"""PostgreSQL only: a trigram index makes "name contains" searches use an index at a
million rows. SQLite (the embedded default) does without; its tables are small."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS participant_name_key_trgm ON participants_participant USING gin (name_key gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS participant_name_key_trgm"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
