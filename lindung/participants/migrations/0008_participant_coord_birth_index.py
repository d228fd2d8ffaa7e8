# A coordinator's age outreach (claims/outreach/selectors.py) reads their participants
# born before a day. Without this index PostgreSQL ANDed the coordinator's bitmap (25,000
# rows) with the birth-date one (135,000) on every list: see BENCHMARKS.md, claims.
#
# Built CONCURRENTLY on PostgreSQL (SQLite: a plain CREATE INDEX), so registrations and
# payments go on while it is built.

from django.db import migrations, models

from lindung.core.migration_ops import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL refuses CREATE INDEX CONCURRENTLY inside a transaction

    dependencies = [("participants", "0007_merge_field_submission_and_phone_index")]

    operations = [
        AddIndexConcurrently(
            model_name="participant",
            index=models.Index(fields=["coordinator", "birth_date"], name="participant_coord_birth"),
        ),
    ]
