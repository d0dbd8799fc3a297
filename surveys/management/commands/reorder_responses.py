"""Rewrite the respondent tables in the order of their random keys, so that the order
rows lie on disk stops matching the order respondents submitted in."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from surveys import sql
from surveys.database_roles import RunsAsOwner
from surveys.models import SubmissionReceipt, SurveyResponse

# Tables rewritten in the order of their primary key. A response's id and a receipt's
# nonce are random and say nothing of when anyone responded. Never the response's
# record_key: the order of the rows would then tell anyone who can read it the secret
# key that disclosure control's noise depends on.
RANDOM_ORDER = [SurveyResponse, SubmissionReceipt]


class Command(RunsAsOwner, BaseCommand):  # CLUSTER needs the owner role
    help = (
        "Rewrite responses and receipts in the order of their random ids (PostgreSQL "
        "CLUSTER), so that their order on disk says nothing of when each was submitted. "
        "Run it daily at a quiet hour: submissions wait while a table is rewritten."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            sql.unlimited_time(cursor)  # a million rows take a while
            # Rather than queue behind a long query while every submission queues behind it.
            sql.give_up_waiting_after(cursor, 10)
            sql.rewrite_in_key_order(*RANDOM_ORDER)
        self.stdout.write("Responses and receipts rewritten in random order.")
