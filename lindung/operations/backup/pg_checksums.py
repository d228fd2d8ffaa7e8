"""Row counts and checksums computed inside PostgreSQL, one statement per table.

The Python checksum (checksums.py) reads every row into Python: 3,000-70,000 rows/s by
table and machine load, half an hour to three hours per backup at a million participants
(BENCHMARKS.md, "Backup and restore"); this is about ten times faster. Here PostgreSQL hashes each row's text form
(``md5(row::text)``) and sums the hash's first 64 bits over the table as an exact
numeric: the sum does not depend on the order rows come back in, and a row changed,
duplicated or lost changes it. The figures are only comparable between PostgreSQL
databases (a backup and its restore), which is all a PostgreSQL restore needs.

A row's text form depends on a few session settings (time zone, date, interval and bytea
styles, float digits), so the statement pins them for its transaction: a restore checked
from a server configured otherwise still produces the same text.
"""

import hashlib
import json
from typing import Any

from django.db import connections, transaction

ALGORITHM = "postgresql-md5-64-row-sum-v1"

# Each is SET LOCAL: undone when the caller's transaction ends.
_PINNED = {
    "TimeZone": "UTC",
    "DateStyle": "ISO, YMD",
    "IntervalStyle": "iso_8601",
    "extra_float_digits": "1",
    "bytea_output": "hex",
}

# The md5's first 64 bits as a signed integer, summed as numeric (sum(bigint) is numeric in
# PostgreSQL: no overflow, no wrap-around). One slice, not two: the planner inlines a
# subquery, so a second slice hashes every row twice (8 s instead of 4 s for 2M rows), and
# fencing it off (OFFSET 0) loses the parallel scan. A changed row goes unnoticed with odds
# of 1 in 2**64, against accidents, which is what this is for: the manifest is not signed.
# md5 rather than hashtextextended: the latter's value may differ between architectures,
# and a restore drill may run on another machine.
_FIGURES = """
SELECT count(*), coalesce(sum(('x' || left(md5(t::text), 16))::bit(64)::bigint), 0) FROM {table} AS t
"""

_COLUMNS = """
SELECT attname FROM pg_attribute
WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped
ORDER BY attnum
"""


def table_figures(table: str, alias: str = "default") -> dict[str, Any]:
    connection = connections[alias]
    quoted = connection.ops.quote_name(table)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        for name, value in _PINNED.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        cursor.execute(_COLUMNS, [quoted])
        columns = [name for (name,) in cursor.fetchall()]
        cursor.execute(_FIGURES.format(table=quoted))
        count, total = cursor.fetchone()
    # The column names are part of the checksum, as in the Python one.
    head = hashlib.sha256(json.dumps(columns).encode()).hexdigest()
    figures = f"{head}:{count}:{int(total)}"
    return {"rows": count, "checksum": hashlib.sha256(figures.encode()).hexdigest(), "algorithm": ALGORITHM}
