# Replies over WhatsApp/SMS find their participant by phone number (messaging inbox).
#
# Built CONCURRENTLY on PostgreSQL so a large install keeps taking registrations and
# payments while it is built (SQLite: a plain CREATE INDEX). Changed in place after it
# had shipped: the index (name, column) and the migration state are exactly what the
# first version made, so a database that already applied it is untouched and one that
# has not gets the same index without the write lock. See docs/operations.md.

from django.db import migrations, models

from lindung.core.migration_ops import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False  # PostgreSQL refuses CREATE INDEX CONCURRENTLY inside a transaction

    dependencies = [("participants", "0005_drop_duplicate_fk_indexes")]

    operations = [
        AddIndexConcurrently(model_name="participant", index=models.Index(fields=["phone"], name="participant_phone")),
    ]
