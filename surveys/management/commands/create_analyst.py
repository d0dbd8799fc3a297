import getpass
import os
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q

from surveys.forces import FORCE_SLUGS
from surveys.models import Analyst

FORCE_GROUP = "Force analysts"
NATIONAL_GROUP = "National analysts"
RESEARCH_GROUP = "National researchers"
ADMINISTRATOR_GROUP = "National administrators"
# (app label, codename) of each role's permissions. Researchers are the only ones who see
# individual responses; administrators look after staff accounts, not data.
PERMISSIONS = {
    FORCE_GROUP: [("surveys", "view_results")],
    NATIONAL_GROUP: [
        ("surveys", "view_results"),
        ("surveys", "view_all_forces"),
        ("surveys", "view_free_text"),
    ],
    RESEARCH_GROUP: [("surveys", "view_surveyresponse"), ("surveys", "export_responses")],
    ADMINISTRATOR_GROUP: [("auth", "view_user"), ("surveys", "reset_second_factor")],
}


def analyst_group(name: str) -> Group:
    """The group for one role, with exactly its permissions."""
    group, _created = Group.objects.get_or_create(name=name)
    wanted = Q()
    for app_label, codename in PERMISSIONS[name]:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.set(Permission.objects.filter(wanted))
    return group


class Command(BaseCommand):
    help = (
        "Create a staff account that sees one force's results (--force SLUG) or every "
        "force's (--national). A national account may also be a researcher (--research: "
        "individual responses and their export) or an administrator (--administrator: "
        "resets other staff members' second factor). The password comes from "
        "ANALYST_PASSWORD or a prompt; the second factor is set up at first sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--force", help="the force's slug, e.g. kent")
        scope.add_argument("--national", action="store_true")
        parser.add_argument("--research", action="store_true")
        parser.add_argument("--administrator", action="store_true")

    @transaction.atomic
    def handle(
        self,
        *args: Any,
        username: str,
        force: str | None,
        national: bool,
        research: bool,
        administrator: bool,
        **options: Any,
    ) -> None:
        if (research or administrator) and not national:
            raise CommandError(
                "--research and --administrator are national roles; add --national."
            )
        if force and force not in FORCE_SLUGS:
            raise CommandError(f"Unknown force {force!r}. Known: {', '.join(sorted(FORCE_SLUGS))}")
        users = get_user_model().objects
        if users.filter(username=username).exists():
            raise CommandError(f"A user called {username!r} already exists.")
        password = os.environ.get("ANALYST_PASSWORD") or self._prompt()
        user = users.model(username=username, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        Analyst.objects.create(user=user, force_id=None if national else force)
        roles = [NATIONAL_GROUP if national else FORCE_GROUP]
        roles += [RESEARCH_GROUP] if research else []
        roles += [ADMINISTRATOR_GROUP] if administrator else []
        user.groups.add(*(analyst_group(role) for role in roles))
        scope = "every force" if national else force
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {username!r} for {scope} ({', '.join(roles)}). They set up their "
                "authenticator app at first sign-in."
            )
        )

    def _prompt(self) -> str:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return password
