"""Publishing closed months: analysts see a month's figures only once it has ended.

A month is due LAG_DAYS days after it ends (docs/disclosure.md, "Closed periods"):
long enough for the last queued responses of the month to be counted, short enough to
be useful. ``manage.py publish_results`` (daily) publishes every due month: it counts
the queue into the tally, counts the month's national breakdowns, and records the
month as published, all in one transaction. Months are published one after another
from the quarter the first response came in, whether anyone responded in them or not,
so that which months are published says nothing of when anyone took part.

Live counts are never shown, so a new submission changes nothing an analyst can see
until its month is published, and a published month's figures never change
afterwards: no response can join a month after it has ended.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from surveys import breakdowns, months, sql
from surveys.models import RECORD_KEYS, AnswerTally, NationalTally, PublishedMonth

LAG_DAYS = 7


def closes_on(month: date) -> date:
    """The day a month (its first day) is due to be published."""
    return months.shift(month, 1) + timedelta(days=LAG_DAYS)


def last_due(today: date) -> date:
    """The newest month that is due by ``today``."""
    newest = months.shift(today.replace(day=1), -1)
    return newest if closes_on(newest) <= today else months.shift(newest, -1)


def publish_due(today: date | None = None) -> list[date]:
    """Publish every month that is due and not yet published, from the start of the
    quarter of the first response on (months nobody responded in included, so that
    quarters are whole); return the months published, oldest first."""
    today = today or timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        # One publisher at a time; a month at a million responses outlasts the web's
        # statement timeout.
        sql.lock(cursor, "surveys.publish_results")
        sql.unlimited_time(cursor)
        AnswerTally.objects.catch_up()
        first = AnswerTally.objects.aggregate(first=Min("month"))["first"]
        if first is None:
            return []
        month, last = months.quarter_start(first), last_due(today)
        done = set(published_months())
        due: list[date] = []
        while month <= last:
            if month not in done:
                due.append(month)
            month = months.shift(month, 1)
        for month in due:
            breakdowns.refresh(month)
        sql.delete(NationalTally.objects.filter(month__in=due))
        sql.add_up_national(due, RECORD_KEYS)
        now = timezone.now()
        PublishedMonth.objects.bulk_create(
            PublishedMonth(month=month, published_at=now) for month in due
        )
    return due


def published_months() -> list[date]:
    """Every published month (first days), oldest first."""
    return list(PublishedMonth.objects.values_list("month", flat=True))


def whole_quarters(published: Iterable[date]) -> list[date]:
    """The first months of the quarters all three of whose months are among
    ``published`` (published months, or some of them), oldest first."""
    counted = Counter(months.quarter_start(month) for month in published)
    return sorted(start for start, in_quarter in counted.items() if in_quarter == 3)
