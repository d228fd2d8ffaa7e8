# Issue 14 (10,000,000 participants): covering indexes so a coordinator's name search, a
# NIK prefix and the deep pages of a common name's window are read from an index alone.
# Built CONCURRENTLY on PostgreSQL (registrations and payments go on meanwhile); the
# indexes they replace are dropped by the next migration, once these exist. See
# BENCHMARKS.md (10,000,000 participants) for their build times and sizes.

from django.db import migrations, models

from lindung.core.migration_ops import AddIndexConcurrently

COVERED = ["full_name", "id", "registration_date", "status", "village", "community_group"]


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL refuses CREATE INDEX CONCURRENTLY inside a transaction

    dependencies = [("participants", "0007_merge_field_submission_and_phone_index")]

    operations = [
        AddIndexConcurrently(
            model_name="participant",
            index=models.Index(
                fields=["coordinator", "name_key"], include=[*COVERED, "nik"], name="participant_coord_cover"
            ),
        ),
        AddIndexConcurrently(
            model_name="participant",
            index=models.Index(
                fields=["nik"],
                opclasses=["varchar_pattern_ops"],
                include=[*COVERED, "coordinator"],
                name="participant_nik_cover",
            ),
        ),
        AddIndexConcurrently(
            model_name="participant",
            index=models.Index(fields=["name_key", "birth_date", "id"], name="participant_dup_key_id"),
        ),
    ]
