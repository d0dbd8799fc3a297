"""Two database roles: an owner for the schema, and the app's role that cannot erase it.

DATABASE_URL names the app's role: the web app and the scheduled counting
(tally_responses, publish_results) run as it. It may read and write rows, but never
TRUNCATE, ALTER or DROP anything, never change a trigger, and only INSERT and SELECT
the audit log, so no bug or injection in the app can erase or rewrite the record of who
looked at what. DATABASE_OWNER_URL names the role that owns every table: ``migrate``,
``flush``, ``seed_responses`` (bulk load and ANALYZE), ``purge_responses`` and
``reorder_responses`` (CLUSTER) switch to it for as long as they run, and ``migrate``
then grants the app's role what it may do (grant_app_role). README.md, "Deploying",
says how to create both roles.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from surveys import sql


def separate_roles() -> bool:
    """Whether DATABASE_OWNER_URL names a role of its own, apart from DATABASE_URL's."""
    owner = settings.DATABASE_OWNER
    return owner is not None and owner["USER"] != settings.DATABASE_APP_ROLE


@contextmanager
def as_owner(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block on a connection of the owner role, then return to the role the
    connection had. Inside a transaction the caller already holds (a test's, say) the
    connection cannot change hands, and the block runs on it as it is."""
    connection = connections[using]
    owner = settings.DATABASE_OWNER
    if owner is None or not separate_roles() or connection.in_atomic_block:
        yield
        return
    previous = {key: connection.settings_dict[key] for key in owner}
    _reconnect_as(connection, owner)
    try:
        yield
    finally:
        _reconnect_as(connection, previous)


class RunsAsOwner(BaseCommand):
    """For a management command that needs the owner role for as long as it runs (put
    before the command's own base class)."""

    # A command's arguments and options are whatever its parser defines.
    def execute(self, *args: Any, **options: Any) -> str | None:
        with as_owner(options.get("database", DEFAULT_DB_ALIAS)):
            return super().execute(*args, **options)


def _reconnect_as(connection: BaseDatabaseWrapper, credentials: Mapping[str, str]) -> None:
    connection.close()
    connection.settings_dict.update(credentials)


def grant_app_role(connection: BaseDatabaseWrapper) -> None:
    """Give DATABASE_URL's role exactly its privileges on every table (as the owner)."""
    if not separate_roles():
        return
    sql.grant(connection, settings.DATABASE_APP_ROLE)


@checks.register(checks.Tags.security, deploy=True)
def check_separate_roles(
    app_configs: Sequence[AppConfig] | None, **kwargs: object
) -> list[checks.CheckMessage]:
    if separate_roles():
        return []
    return [
        checks.Warning(
            "DATABASE_OWNER_URL is not set (or names DATABASE_URL's role), so the web app "
            "runs as the role that owns the tables and could erase the audit log.",
            hint="See README.md, 'Deploying': a database owner role and an app role.",
            id="soteria.W001",
        )
    ]
