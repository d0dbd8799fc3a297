from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from surveys import sql
from surveys.models import AnswerTally


class Command(BaseCommand):
    help = (
        "Count the responses queued since the last count into the results' tallies. "
        "Run it every few minutes: publishing a month counts the queue first anyway, but "
        "a short queue keeps that quick and says nothing of when anyone responded."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            # A queue left to grow (say, the schedule stopped) may outlast the web's
            # 30-second statement timeout; this is where it is worked off.
            sql.unlimited_time(cursor)
            counted = AnswerTally.objects.catch_up()
        self.stdout.write(f"Counted {counted} queued response(s) into the tallies.")
