"""Django's migrate, run as the database's owner role, then granting the app's role its
privileges on every table (surveys/database_roles.py)."""

from typing import Any

from django.core.management.commands import migrate
from django.db import connections

from surveys.database_roles import RunsAsOwner, grant_app_role


class Command(RunsAsOwner, migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
        grant_app_role(connections[options["database"]])
