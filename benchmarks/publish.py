"""Publishing the benchmark's months, and timing the publication of one month.

    python -m benchmarks.publish              publish every month the tally holds
    python -m benchmarks.publish --time-one   time publishing the newest month again

Runs on DATABASE_URL's database (benchmarks/databases.py runs it on each seeded
database) and prints one JSON object.

Analysts see published months only (surveys.publication), so a results page timed on a
database where nothing is published times an empty page. Seeded months run up to the
month the data were made in, which has not closed yet: the benchmark publishes as of
the day the newest seeded month closes (publication.closes_on), through the real
``publish_due``, so that every seeded month is published and nothing after it.

``--time-one`` times ``publish_due`` for one closed month (the newest), in a
transaction that is rolled back, twice:

- as the daily run meets it: the month's responses already in the tally (``manage.py
  tally_responses`` runs every few minutes, so the queue is short); the time is the
  month's national breakdowns, counted afresh;
- with every one of the month's responses still queued (the tally never caught up
  during the month): the tally's catch-up for the whole month, then the breakdowns.
"""

import argparse
import json
import os
import time

import django

# As manage.py does, when the caller has not named the settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soteria_survey.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402

from surveys.models import AnswerTally, PublishedMonth  # noqa: E402
from surveys.publication import closes_on, publish_due, published_months  # noqa: E402


class _RolledBack(Exception):
    pass


def newest_month():
    return AnswerTally.objects.aggregate(newest=Max("month"))["newest"]


def unpublished():
    """Months the tally holds that are not published."""
    return sorted(
        AnswerTally.objects.exclude(month__in=PublishedMonth.objects.values("month"))
        .values_list("month", flat=True)
        .distinct()
    )


def publish_all():
    """Publish every month up to the newest the tally holds (the real publish_due, on
    the day that month closes); return what was published and how long it took."""
    newest = newest_month()
    if newest is None:
        raise SystemExit("No responses to publish.")
    started = time.perf_counter()
    published = publish_due(closes_on(newest))
    seconds = time.perf_counter() - started
    left = unpublished()
    if left:
        raise SystemExit(f"Months still unpublished after publish_due: {left}")
    return {
        "published": [f"{month:%Y-%m}" for month in published],
        "months": len(published_months()),
        "seconds": seconds,
    }


def _count(query, params):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


def _time_one(month, queued):
    """Seconds publish_due takes to publish ``month`` (unpublished first, and with its
    responses queued rather than tallied if ``queued``), all rolled back."""
    seconds = None
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = 0")
                cursor.execute("DELETE FROM surveys_publishedmonth WHERE month = %s", [month])
                cursor.execute("DELETE FROM surveys_breakdowntally WHERE month = %s", [month])
                if queued:
                    cursor.execute("DELETE FROM surveys_answertally WHERE month = %s", [month])
                    cursor.execute(
                        "INSERT INTO surveys_untalliedresponse (response_id) "
                        "SELECT id FROM surveys_response WHERE submitted_month = %s",
                        [month],
                    )
            started = time.perf_counter()
            published = publish_due(closes_on(month))
            seconds = time.perf_counter() - started
            if published != [month]:
                raise SystemExit(f"publish_due published {published}, not [{month}]")
            raise _RolledBack
    except _RolledBack:
        pass
    return seconds


def time_one():
    month = newest_month()
    if month is None or month not in set(published_months()):
        raise SystemExit("Publish the months first (python -m benchmarks.publish).")
    responses = _count("SELECT count(*) FROM surveys_response WHERE submitted_month = %s", [month])
    return {
        "month": f"{month:%Y-%m}",
        "month_responses": responses,
        "tallied_seconds": _time_one(month, queued=False),
        "queued_seconds": _time_one(month, queued=True),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--time-one", action="store_true", help="time publishing the newest month (rolled back)"
    )
    arguments = parser.parse_args()
    print(json.dumps(time_one() if arguments.time_one else publish_all()))


if __name__ == "__main__":
    main()
