"""Publishing closed months: analysts see a month's figures only once it has ended.

A month is due LAG_DAYS days after it ends (docs/disclosure.md, "Closed periods"):
long enough for the last queued responses of the month to be counted, short enough to
be useful. ``manage.py publish_results`` (daily) publishes every due month: it counts
the queue into the tally, counts the month's national breakdowns, and records the
month as published, all in one transaction. Live counts are never shown, so a new
submission changes nothing an analyst can see until its month is published, and a
published month's figures never change afterwards: no response can join a month
after it has ended.
"""

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from surveys import breakdowns, months
from surveys.models import AnswerTally, PublishedMonth

LAG_DAYS = 7


def closes_on(month):
    """The day a month (its first day) is due to be published."""
    return months.shift(month, 1) + timedelta(days=LAG_DAYS)


def last_due(today):
    """The newest month that is due by ``today``."""
    newest = months.shift(today.replace(day=1), -1)
    return newest if closes_on(newest) <= today else months.shift(newest, -1)


def publish_due(today=None):
    """Publish every month with responses that is due and not yet published; return
    the months published, oldest first."""
    today = today or timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        # One publisher at a time; a month at a million responses outlasts the web's
        # statement timeout.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('surveys.publish_results'))")
        cursor.execute("SET LOCAL statement_timeout = 0")
        AnswerTally.objects.catch_up()
        due = (
            AnswerTally.objects.filter(question="", choice="", month__lte=last_due(today))
            .exclude(month__in=PublishedMonth.objects.values("month"))
            .values_list("month", flat=True)
            .distinct()
            .order_by("month")
        )
        published = list(due)
        for month in published:
            breakdowns.refresh(month)
        now = timezone.now()
        PublishedMonth.objects.bulk_create(
            PublishedMonth(month=month, published_at=now) for month in published
        )
    return published


def published_months():
    """Every published month (first days), oldest first."""
    return list(PublishedMonth.objects.values_list("month", flat=True))
