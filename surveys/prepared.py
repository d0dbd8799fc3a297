"""A statement prepared once per database connection, beside Django's ORM.

Django's cursors bind parameters on the client (quoting them into the SQL) and never
prepare a statement; psycopg's ``Cursor`` binds them on the server and prepares a
statement when asked (``execute(..., prepare=True)``). The survey submission's one
statement (``ResponseManager.record``) took PostgreSQL longer to parse and plan than a
bare row takes to insert, so it runs through ``fetch_one_prepared``: about 0.6 ms a
submission prepared, 0.75 to 0.9 ms through Django's cursor (timed in-process). Nothing
else is prepared (settings.py: ``prepare_threshold``).
"""

from collections.abc import Mapping
from typing import Any

import psycopg
from django.db import connection


def fetch_one_prepared(sql: str, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The first row ``sql`` returns with ``params`` (a mapping), or None, run as a
    statement bound on the server and prepared once per connection.

    The one seam between Django and psycopg. It relies on:

    - Django, undocumented: ``connection.connection`` is the psycopg connection that
      ``connection.cursor()`` has opened (and health-checked, as for any query); and
      ``connection.wrap_database_errors`` turns psycopg's errors into django.db's (the
      views catch OperationalError and InterfaceError) and marks the connection, so
      that Django checks it when the request ends and closes it if it is broken;
    - psycopg, documented: ``psycopg.Cursor`` binds parameters on the server, and its
      ``execute(..., prepare=True)`` prepares the statement on first use.

    The statement bypasses Django's cursor wrapper, so ``connection.execute_wrapper()``
    and the DEBUG query log do not see it. tests/test_upgrade_canaries.py fails if an
    upgrade of Django or psycopg changes what this relies on.
    """
    with (
        connection.cursor(),
        connection.wrap_database_errors,
        psycopg.Cursor(connection.connection) as cursor,
    ):
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchone()
