# The age outreach (claims/outreach/selectors.py) asks of each of up to ~11,000 candidates
# whether they have a live claim of the program. With claim_participant (participant,
# program) every probe visited the claim's heap row to read its status; with the status
# in the index the probe is index-only (the table is all-visible after VACUUM). The new
# index serves every query the old one did (same leading columns), so the old one goes.
#
# Both built and dropped CONCURRENTLY on PostgreSQL (SQLite: plain), so claims go on
# being written meanwhile.

from django.db import migrations, models

from lindung.core.migration_ops import AddIndexConcurrently, RemoveIndexConcurrently


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL refuses CREATE INDEX CONCURRENTLY inside a transaction

    dependencies = [("claims", "0013_claim_status_changed_at_required")]

    operations = [
        AddIndexConcurrently(
            model_name="claim",
            index=models.Index(fields=["participant", "program", "status"], name="claim_participant_status"),
        ),
        RemoveIndexConcurrently(model_name="claim", name="claim_participant"),
    ]
