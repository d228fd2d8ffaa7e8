"""Row counts and checksums computed inside PostgreSQL, one statement per table.

The Python checksum (checksums.py) reads every row into Python: 3,000-10,000 rows/s, about
an hour per backup at a million participants. Here PostgreSQL hashes each row's text form
(``md5(row::text)``) and sums two 64-bit slices of the hash over the table as exact
numerics: the sum does not depend on the order rows come back in, and a row changed,
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

ALGORITHM = "postgresql-md5-row-sum-v1"

# Each is SET LOCAL: undone when the caller's transaction ends.
_PINNED = {
    "TimeZone": "UTC",
    "DateStyle": "ISO, YMD",
    "IntervalStyle": "iso_8601",
    "extra_float_digits": "1",
    "bytea_output": "hex",
}

# Two slices of the 128-bit md5, each read as a signed 64-bit integer and summed as numeric
# (sum(bigint) is numeric in PostgreSQL, so it cannot overflow).
_FIGURES = """
SELECT count(*),
       coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint), 0),
       coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint), 0)
FROM (SELECT md5(t::text) AS h FROM {table} AS t) AS hashed
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
        count, first, second = cursor.fetchone()
    # The column names are part of the checksum, as in the Python one.
    head = hashlib.sha256(json.dumps(columns).encode()).hexdigest()
    total = f"{head}:{count}:{int(first)}:{int(second)}"
    return {"rows": count, "checksum": hashlib.sha256(total.encode()).hexdigest(), "algorithm": ALGORITHM}
