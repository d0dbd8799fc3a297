"""Real faults for in-process tests: nothing is mocked, the database connection really
goes away."""

import psycopg
from django.db import connection


def cut_database_connection():
    """Another session terminates this process's connection to PostgreSQL, so the next
    statement fails as it does when the server restarts.

    Only for tests that commit (transactional_db): the test's own transaction dies with
    the connection. Call connection.close() afterwards to reconnect, as the WSGI handler
    does after a request that hit a broken connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    params = connection.get_connection_params()
    conninfo = {
        k: v for k, v in params.items() if k in {"dbname", "user", "password", "host", "port"}
    }
    with psycopg.connect(**conninfo, autocommit=True) as other_session:
        other_session.execute("SELECT pg_terminate_backend(%s)", [pid])
