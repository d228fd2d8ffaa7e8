"""VACUUM (ANALYZE) after a nightly recount has rewritten a table: the dead rows of the
old figures are reclaimed and the planner's statistics describe the new ones before the
day's traffic arrives (autovacuum would get there, but later and unannounced)."""

from django.db import connection
from django.db.models import Model


def vacuum_analyze(*models: type[Model]) -> bool:
    """Run VACUUM (ANALYZE) on these tables; PostgreSQL only, and only outside a
    transaction (VACUUM cannot run inside one). Returns whether it ran."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")
    return True
