import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from surveys.forces import FORCE_SLUGS
from surveys.models import Analyst

FORCE_GROUP = "Force analysts"
NATIONAL_GROUP = "National analysts"
PERMISSIONS = {
    FORCE_GROUP: ["view_results"],
    NATIONAL_GROUP: ["view_results", "view_all_forces", "view_free_text"],
}


def analyst_group(name):
    """The group for one kind of analyst, with exactly its permissions."""
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="surveys", codename__in=PERMISSIONS[name]
        )
    )
    return group


class Command(BaseCommand):
    help = (
        "Create a staff account that sees one force's results (--force SLUG) or every "
        "force's (--national). The password comes from ANALYST_PASSWORD or a prompt."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--force", help="the force's slug, e.g. kent")
        scope.add_argument("--national", action="store_true")

    @transaction.atomic
    def handle(self, *args, username, force, national, **options):
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
        user.groups.add(analyst_group(NATIONAL_GROUP if national else FORCE_GROUP))
        scope = "every force" if national else force
        self.stdout.write(self.style.SUCCESS(f"Created analyst {username!r} for {scope}."))

    def _prompt(self):
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return password
