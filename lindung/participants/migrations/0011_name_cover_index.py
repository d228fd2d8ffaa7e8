# Issue 14 (10,000,000 participants): the registry-wide name-order index carries the
# folded name and the NIK, so an administrator's search with more matches than counted
# ("santoso", a province's NIK prefix) is walked in the index alone, without a table row
# per entry passed. Built CONCURRENTLY on PostgreSQL (28 s at 10M, 793 MB), then the
# index it replaces is dropped; BENCHMARKS.md has the timings.

from django.db import migrations, models

from lindung.core.migration_ops import AddIndexConcurrently, RemoveIndexConcurrently


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL refuses CREATE/DROP INDEX CONCURRENTLY inside a transaction

    dependencies = [("participants", "0010_merge_birth_and_search_indexes")]

    operations = [
        AddIndexConcurrently(
            model_name="participant",
            index=models.Index(fields=["full_name", "id"], include=["name_key", "nik"], name="participant_name_cover"),
        ),
        RemoveIndexConcurrently(model_name="participant", name="participant_name_id"),
    ]
