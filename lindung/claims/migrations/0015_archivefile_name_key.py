# A copy of the participant's folded name on each archived dossier, so the archive search
# by name reads the archive (100,000 rows at 200,000 claims) through its own trigram index
# instead of every participant whose name contains the text (9,414 for "joko" at 1M,
# 117 ms to read them): BENCHMARKS.md, claims. Kept current by claims/participant_moves.py.
#
# The copy is filled in batches of ids, each its own short UPDATE (atomic = False), and the
# trigram index (PostgreSQL only, like participant_name_key_trgm) built CONCURRENTLY, so
# archiving goes on meanwhile.

from django.db import migrations, models

from lindung.core.migration_ops import index_state

BATCH = 10_000
INDEX = "archive_name_key_trgm"
FILL = (
    "UPDATE claims_archivefile SET name_key = ("
    " SELECT p.name_key FROM claims_claim c JOIN participants_participant p ON p.id = c.participant_id"
    " WHERE c.id = claims_archivefile.claim_id"
    ") WHERE id >= %s AND id < %s"
)


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id), MAX(id) FROM claims_archivefile")
        low, high = cursor.fetchone()
        if low is None:
            return
        for start in range(low, high + 1, BATCH):
            cursor.execute(FILL, [start, start + BATCH])


def index_forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    state = index_state(schema_editor, INDEX)
    if state is True:
        return  # built by hand beforehand
    if state is False:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY {INDEX}")  # left INVALID by an interrupted build
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY {INDEX} ON claims_archivefile USING gin (name_key gin_trgm_ops)")
    # The filled column's statistics, so the first searches are planned on real ones.
    schema_editor.execute("ANALYZE claims_archivefile")


def index_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False  # short batches, and PostgreSQL refuses a concurrent build in a transaction

    dependencies = [
        ("claims", "0014_claim_participant_status_index"),
        ("participants", "0008_participant_coord_birth_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="archivefile",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=150),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(index_forwards, index_backwards),
    ]
