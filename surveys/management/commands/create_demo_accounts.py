import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_SUPERUSER = "demo-admin"


class Command(BaseCommand):
    help = (
        "Create the demo superuser for local development and print its password once. "
        "Refuses to run unless DJANGO_DEBUG is on."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for development only (DJANGO_DEBUG=true).")
        users = get_user_model().objects
        if users.filter(username=DEMO_SUPERUSER).exists():
            self.stdout.write(
                f"Demo superuser {DEMO_SUPERUSER!r} exists; its password was printed when it "
                f"was created (reset it with: manage.py changepassword {DEMO_SUPERUSER})."
            )
            return
        password = secrets.token_urlsafe(12)
        users.create_superuser(DEMO_SUPERUSER, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo superuser created. Sign in at /admin/ as {DEMO_SUPERUSER!r} with "
                f"password {password!r} (shown only this once)."
            )
        )
