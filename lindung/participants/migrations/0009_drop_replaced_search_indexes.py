# The indexes 0008's covering ones replace: (coordinator, name_key) is the key of
# participant_coord_cover, and (name_key, birth_date) the start of participant_dup_key_id.
# Dropped CONCURRENTLY on PostgreSQL, after their replacements exist.

from django.db import migrations

from lindung.core.migration_ops import RemoveIndexConcurrently


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL refuses DROP INDEX CONCURRENTLY inside a transaction

    dependencies = [("participants", "0008_covering_search_indexes")]

    operations = [
        RemoveIndexConcurrently(model_name="participant", name="participant_coord_key"),
        RemoveIndexConcurrently(model_name="participant", name="participant_dup_key"),
    ]
