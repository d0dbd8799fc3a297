"""Time the analysts' results page against a raw SQL GROUP BY over the same answers.

    python -m benchmarks.results_query [--runs 5]     (benchmarks/run.py runs it)

Runs in-process on DATABASE_URL's database and prints one JSON object: the number of
responses and answers, and the median milliseconds of several runs (after one to warm
the cache, as a busy server's would be) of

- page: the results view for all forces, all time, every question, as a superuser (so
  with the free text), called directly: its queries, its audit entry and the rendered
  HTML, without the sign-in in front of it. It runs in a transaction that is rolled
  back, so the audit entries and the user leave nothing behind;
- force_page, force_period_page: the same view for the force with most responses, as a
  force analyst sees it, all time and its newest offered quarter: beside England and
  Wales, and (the quarter) beside the quarter before it, with its trend;
- results, trends, free_texts: the page's three parts that read responses, alone
  (surveys.results: the counts behind every question, the headline measures month by
  month, the redacted free text);
- raw: the floor, a GROUP BY over every response's choices that counts each one.

Analysts see published months only (surveys.publication): the database's months must
be published (benchmarks/publish.py), or the page would show nothing and be timed
empty. It stops unless every month holding responses is published and the page shows
the national results; the JSON says how many months and responses it showed.
"""

import argparse
import json
import statistics
import time

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from surveys.filters import ALL_TIME, Filters, Period  # noqa: E402
from surveys.management.commands.create_analyst import (  # noqa: E402
    FORCE_GROUP,
    analyst_group,
)
from surveys.models import Analyst, AnswerTally, PublishedMonth, SurveyResponse  # noqa: E402
from surveys.results import free_texts, periods, results  # noqa: E402
from surveys.trends import trends  # noqa: E402

# Every choice of every response as a row (migration 0015), as the tally counts them.
ANSWERS = "surveys_response r CROSS JOIN LATERAL surveys_choices(r.choices) a"
RAW_GROUP_BY = f"SELECT a.question, a.choice, count(*) FROM {ANSWERS} GROUP BY 1, 2"  # noqa: S608


def _median_ms(action, runs):
    action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _count(rows):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {rows}")  # noqa: S608
        return cursor.fetchone()[0]


def _raw_group_by():
    with connection.cursor() as cursor:
        cursor.execute(RAW_GROUP_BY)
        cursor.fetchall()


def _page(user, query=None):
    def render():
        request = RequestFactory().get("/admin/results/", query)
        request.user = user
        response = admin.site.results_view(request)
        assert response.status_code == 200, response.status_code  # noqa: S101

    return render


def _shown(national, threshold):
    """What the page shows: (published months, published number of respondents); stops
    when a month is unpublished or nothing is shown, as that page would be timed empty."""
    unpublished = AnswerTally.objects.exclude(month__in=PublishedMonth.objects.values("month"))
    if unpublished.exists():
        raise SystemExit("Months are unpublished: publish them (python -m benchmarks.publish).")
    shown = results(national, threshold)
    if shown.suppressed or not shown.sections:
        raise SystemExit("The results page shows nothing: there is nothing to time.")
    return PublishedMonth.objects.count(), shown.shown_base


def _force_analyst(force):
    """A force analyst's account for ``force``, made as create_analyst makes one."""
    user = get_user_model().objects.create_user("force-results-benchmark", is_staff=True)
    Analyst.objects.create(user=user, force_id=force)
    user.groups.add(analyst_group(FORCE_GROUP))
    return user


def _biggest_force(threshold):
    """(slug, key of its newest offered quarter) of the force with most responses."""
    biggest = SurveyResponse.objects.values("force").annotate(n=Count("pk")).order_by("-n")
    force = biggest.exclude(force=None).first()["force"]
    quarters = [p.key for p in periods(force, threshold) if "-Q" in p.key]
    return force, quarters[0]


def measure(runs):
    national = Filters(None, Period.parse(ALL_TIME), None)
    threshold = settings.DISCLOSURE_THRESHOLD
    months, shown_base = _shown(national, threshold)
    force, quarter = _biggest_force(threshold)
    with transaction.atomic():
        user = get_user_model().objects.create_superuser("results-benchmark")
        analyst = _force_analyst(force)
        timings = {
            "responses": _count("surveys_response"),
            "answers": _count(ANSWERS),
            "published_months": months,
            "shown_base": shown_base,
            "page_ms": _median_ms(_page(user), runs),
            "force": force,
            "force_page_ms": _median_ms(_page(analyst), runs),
            "force_period_page_ms": _median_ms(_page(analyst, {"period": quarter}), runs),
            "results_ms": _median_ms(lambda: results(national, threshold), runs),
            "trends_ms": _median_ms(lambda: trends(national, threshold), runs),
            "free_texts_ms": _median_ms(lambda: free_texts(national, threshold), runs),
            "raw_ms": _median_ms(_raw_group_by, runs),
        }
        transaction.set_rollback(True)
    return timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    print(json.dumps(measure(parser.parse_args().runs)))


if __name__ == "__main__":
    main()
