"""Time the analysts' results against a raw SQL GROUP BY over the same answers.

    python benchmarks/results_query.py [--runs 5]

Runs against whatever DATABASE_URL holds (`make bench-results` uses the development
database); seed it first, e.g. `manage.py seed_responses --count 1000000`. Prints the
median of several runs for: every question's counts through surveys.results (national
and one force), the raw GROUP BY floor over the answer table, and a breakdown.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soteria_survey.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from surveys.models import Response  # noqa: E402
from surveys.results import ALL_TIME, Filters, Period, results  # noqa: E402

RAW_NATIONAL = "SELECT question, choice, count(*) FROM surveys_answer GROUP BY 1, 2"
RAW_FORCE = (
    "SELECT a.question, a.choice, count(*) FROM surveys_answer a "
    "JOIN surveys_response r ON r.id = a.response_id WHERE r.force_id = %s GROUP BY 1, 2"
)


def _median_ms(action, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _raw(sql, params=()):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--force", default="kent")
    args = parser.parse_args()
    everything = Period.parse(ALL_TIME)
    national = Filters(None, everything, None)
    one_force = Filters(args.force, everything, None)
    cases = [
        ("results, national, every question", lambda: results(national, 10)),
        ("raw GROUP BY over answers, national", _raw(RAW_NATIONAL)),
        (f"results, {args.force}, every question", lambda: results(one_force, 10)),
        (f"raw GROUP BY over answers, {args.force}", _raw(RAW_FORCE, [args.force])),
        (
            f"results, {args.force}, broken down by ethnicity",
            lambda: results(Filters(args.force, everything, None, "ethnicity"), 10),
        ),
    ]
    print(f"{Response.objects.count():,} responses; median of {args.runs} runs\n")
    print("| Query | Median |")
    print("|---|---:|")
    timings = {}
    for name, action in cases:
        action()  # warm the cache, as a busy server's would be
        timings[name] = _median_ms(action, args.runs)
        print(f"| {name} | {timings[name]:.1f} ms |")
    ratio = timings[cases[0][0]] / timings[cases[1][0]]
    print(f"\nNational results / raw GROUP BY floor: {ratio:.3f}")


if __name__ == "__main__":
    main()
