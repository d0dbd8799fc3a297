"""Rewrite the respondent tables in the order of their random keys, so that the order
rows lie on disk stops matching the order respondents submitted in."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from surveys.database_roles import RunsAsOwner

# (table, the index on its random key). A response's id and a receipt's nonce are
# random and say nothing of when anyone responded. Never the response's record_key: the
# order of the rows would then tell anyone who can read it the secret key that
# disclosure control's noise depends on.
RANDOM_ORDER = [
    ("surveys_response", "surveys_response_pkey"),
    ("surveys_submissionreceipt", "surveys_submissionreceipt_pkey"),
]


class Command(RunsAsOwner, BaseCommand):  # CLUSTER needs the owner role
    help = (
        "Rewrite responses and receipts in the order of their random ids (PostgreSQL "
        "CLUSTER), so that their order on disk says nothing of when each was submitted. "
        "Run it daily at a quiet hour: submissions wait while a table is rewritten."
    )

    def handle(self, *args, **options):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")  # a million rows take a while
            # Rather than queue behind a long query while every submission queues behind it.
            cursor.execute("SET LOCAL lock_timeout = '10s'")
            for table, index in RANDOM_ORDER:
                cursor.execute(f"CLUSTER {table} USING {index}")
                cursor.execute(f"ANALYZE {table}")
        self.stdout.write("Responses and receipts rewritten in random order.")
