from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from surveys import second_factor


class Command(BaseCommand):
    help = (
        "Remove a staff member's authenticator when no national administrator can do it "
        "in the admin; they set up a new one at their next sign-in. Audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username, is_staff=True).first()
        if user is None:
            raise CommandError(f"No staff account called {username!r}.")
        second_factor.reset(user, by=None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Reset the second factor of {username!r}: they set up a new authenticator "
                "app at their next sign-in."
            )
        )
