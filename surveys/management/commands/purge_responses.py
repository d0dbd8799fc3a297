"""Delete responses past their retention period, with their answers and counts."""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from surveys import months, sql
from surveys.database_roles import RunsAsOwner
from surveys.models import (
    AnswerTally,
    AuditEntry,
    BreakdownTally,
    NationalTally,
    PublishedMonth,
    SubmissionReceipt,
    SurveyResponse,
)
from surveys.tokens import MAX_AGE


class Command(RunsAsOwner, BaseCommand):  # deletes whole months: surveys/database_roles.py
    help = (
        "Delete responses submitted more than N whole months before the current month, "
        "their answers, tallies and publication, and record how many in the audit log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-months",
            type=int,
            default=settings.RETENTION_MONTHS,
            help="Default: RETENTION_MONTHS (%(default)s), the period the privacy notice gives.",
        )

    def handle(self, *args: Any, older_than_months: int, **options: Any) -> None:
        if older_than_months < 1:
            raise CommandError("--older-than-months must be at least 1.")
        this_month = date.today().replace(day=1)
        cutoff = months.shift(this_month, -older_than_months)
        # Receipts only stop double submissions; tokens expire, so old ones can go.
        receipts_cutoff = months.shift(this_month, -(MAX_AGE.days // 28 + 1))
        with transaction.atomic(), connection.cursor() as cursor:
            sql.unlimited_time(cursor)  # may be millions of rows
            # Nothing may stay queued for the tally: its rows for these months go whole.
            AnswerTally.objects.catch_up()
            deleted = sql.delete(SurveyResponse.objects.before(cutoff))
            # Tallies are per whole month, so the purged months' rows go whole.
            for tally in (AnswerTally, NationalTally, BreakdownTally):
                sql.delete(tally.objects.before(cutoff))
            # And they are no longer published: "all time" no longer counts them.
            sql.delete(PublishedMonth.objects.filter(month__lt=cutoff))
            sql.delete(SubmissionReceipt.objects.filter(month__lt=receipts_cutoff))
            AuditEntry.record(
                AuditEntry.Action.PURGE_RESPONSES,
                filters={"older_than_months": older_than_months, "before": cutoff.isoformat()},
                base=deleted,
            )
        self.stdout.write(f"Deleted {deleted} responses submitted before {cutoff:%B %Y}.")
