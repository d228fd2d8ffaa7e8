"""On PostgreSQL the database itself refuses overlapping versions of a rule (an
exclusion constraint needs btree_gist for the equality columns). Other databases rely
on services.rule_check_overlap, which runs everywhere anyway. If the extension cannot
be created (no privilege), the constraint is skipped rather than failing the deploy."""

from django.db import migrations, transaction

CONSTRAINT = "contribution_rule_no_overlap"


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    except Exception:  # noqa: BLE001 - lacking the privilege only costs the extra safety net
        return
    schema_editor.execute(
        f"ALTER TABLE contributions_contributionrule ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(kind WITH =, category WITH =, program WITH =, risk_tier WITH =, "
        "daterange(valid_from, valid_to, '[]') WITH &&)"
    )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE contributions_contributionrule DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("contributions", "0002_seed_rules")]
    operations = [migrations.RunPython(add, remove)]
