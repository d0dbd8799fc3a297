"""Django's flush, run as the database's owner role: the app's role may not TRUNCATE
(surveys/database_roles.py). The test run empties its database this way after each test
that commits."""

from django.core.management.commands import flush

from surveys.database_roles import RunsAsOwner


class Command(RunsAsOwner, flush.Command):
    pass
