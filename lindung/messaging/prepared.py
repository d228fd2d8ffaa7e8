"""A PostgreSQL cursor for one statement run thousands of times a second (the webhook's
INSERT): the values bound on the server, and the statement prepared once per connection.

Django's own cursors bind values into the SQL text on the client and never prepare
(its connections have psycopg's prepare_threshold at None), which suits the app's varied
queries; this one is for a statement that repeats. Importing it needs psycopg, so only
PostgreSQL code does."""

from typing import Any, Self

import psycopg


class PreparedCursor(psycopg.Cursor[Any]):
    """Every execute() prepared: psycopg keeps the prepared statement with the connection
    (and prepares it again on a new one). psycopg prepares nothing while the connection's
    threshold is None, so the threshold is lifted for this one call and put back."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = True, binary: bool | None = None
    ) -> Self:
        connection = self.connection
        threshold = connection.prepare_threshold
        connection.prepare_threshold = 0
        try:
            return super().execute(query, params, prepare=prepare, binary=binary)
        finally:
            connection.prepare_threshold = threshold
