"""`make bench`: the app measured side by side with its floors, in one run.

    python -m benchmarks.run [--quick]      (make bench [BENCH_ARGS=--quick])

Needs DATABASE_URL naming the PostgreSQL server to use (make provides it, as for `make
test`); the benchmark's own databases live there (benchmarks/databases.py).

1. The results page, in-process, at 100,000 and 1,000,000 seeded responses, every
   seeded month published, against a raw SQL GROUP BY over the same answers
   (benchmarks/results_query.py); publishing one closed month (benchmarks/publish.py);
   the published figures against the true counts (benchmarks/utility.py).
2. gunicorn with the project's gunicorn.conf.py, 2 workers, production settings plus
   the floor views (benchmarks/settings.py), under wrk at 16 connections: the start and
   survey pages against a bare Django view; complete submissions against a bare insert,
   then the responses stored against the submissions acknowledged.
3. Every respondent page in Chromium: bytes transferred and requests, beside a plain
   GOV.UK Frontend page (benchmarks/plain_govuk.py); the quick exit.
4. Each gunicorn worker's peak memory.
5. The yardstick: the same survey served by django-survey-and-report, its survey page
   and complete submissions under the same load (benchmarks/yardstick/).

--quick measures at 100,000 responses only, with short load runs. Progress goes to
standard error; the report, in Markdown, to standard output.
"""

import argparse
import json
import math
import os
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import django

from benchmarks import cpu, databases, load, plain_govuk, report, respondent_pages
from benchmarks.server import fetch, gunicorn
from benchmarks.yardstick import bench as yardstick
from tests.browser.harness import ExitStub


@dataclass(frozen=True)
class Mode:
    name: str
    window: int  # seconds of load per wrk run
    exit_runs: int  # quick-exit measurements
    result_runs: int  # timings of each results query, after a warm-up
    sizes: tuple  # seeded responses to time the results page at


FULL = Mode("full", window=20, exit_runs=20, result_runs=5, sizes=(100_000, 1_000_000))
QUICK = Mode("quick", window=5, exit_runs=5, result_runs=3, sizes=(100_000,))

# Eligibility answers: the response is the survey's questions for someone who reported.
REPORTER = "stage=eligibility&age_18_or_over=yes&reported=yes_myself"
# (name, path, method, body) of the pages loaded; the first is the floor.
PAGES = [
    ("Bare Django view (floor)", "/bench/bare/", "GET", None),
    ("Start page, GET /", "/", "GET", None),
    ("Survey page: eligibility, GET /survey/", "/survey/", "GET", None),
    ("Survey page: questions, POST /survey/ (reporter)", "/survey/", "POST", REPORTER),
]
# Submission bodies to write, per insert per second the bare floor managed: more than
# the app can take, since it does more work per request than the floor.
BODIES_PER_FLOOR_INSERT = 1.5
# Runs of complete submissions, each between two runs of the bare insert: one run's
# share moves with the machine's speed by several points, two show how far.
SUBMISSION_RUNS = 2


def log(message):
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def app_env(database_url, exit_url):
    """Production settings (DEBUG off) with a throwaway secret key, plus the floors."""
    return {
        # The bench's databases are its own, made and used by one role.
        **{k: v for k, v in os.environ.items() if k != "DATABASE_OWNER_URL"},
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "QUICK_EXIT_URL": exit_url,
        "WEB_CONCURRENCY": "2",
        "DATABASE_URL": database_url,
    }


def measure_results(env, mode):
    """report.Sized per size: the results page's timings (results_query), how the
    database was provided, one month's publication timed (publish --time-one) and what
    disclosure control costs in accuracy (utility)."""
    measured = []
    for size in mode.sizes:
        provided = databases.provide(env, size, log)
        size_env = {**env, "DATABASE_URL": provided.url}
        log(f"timing the results page at {size:,} responses...")
        output = databases.python(
            size_env, "-m", "benchmarks.results_query", f"--runs={mode.result_runs}"
        )
        log(f"timing the publication of one month at {size:,} responses...")
        publication = databases.python(size_env, "-m", "benchmarks.publish", "--time-one")
        log(f"comparing published figures with the truth at {size:,} responses...")
        utility = databases.python(size_env, "-m", "benchmarks.utility", "--json")
        measured.append(
            report.Sized(
                size, json.loads(output), provided, json.loads(publication), json.loads(utility)
            )
        )
    return measured


def warm(base):
    """A few requests of each kind, so that both workers have compiled their templates
    and opened their database connection before anything is timed."""
    for name, path, method, body in PAGES:
        for _ in range(10):
            if fetch(base + path, method, body).status != 200:
                raise SystemExit(f"{name} did not answer 200 OK")


def measure_pages(server, window):
    """(name, Load, cpu.Spent) of each page, then of the floor again (so that the
    machine's drift during the run cancels out)."""
    loads = []
    (floor, *request), *pages = PAGES
    runs = [(f"{floor}, before", *request), *pages, (f"{floor}, after", *request)]
    for name, path, method, body in runs:
        log(f"loading {name}...")
        loaded, spent = cpu.spent(
            server.workers(), load.run, server.base + path, window, method=method, body=body
        )
        loads.append((name, loaded, spent))
    return loads


def _loaded(server, database_url, table, *args, **kwargs):
    """load.run(*args, **kwargs) against the server: its Load, the CPU time spent, and
    how many rows it added to table."""
    (loaded, spent), added = databases.rows_added(
        database_url, table, cpu.spent, server.workers(), load.run, *args, **kwargs
    )
    return loaded, spent, added


def measure_submissions(server, window, database_url, workdir):
    """report.Submissions: the bare insert, then SUBMISSION_RUNS runs of complete
    submissions, each followed by the bare insert again (so that each is measured
    against the floor on both its sides, and the machine's drift cancels out); then the
    time taken to count the queued submissions into the tally."""

    def floor():
        log("loading the bare insert...")
        url = server.base + "/bench/insert/"
        return _loaded(server, database_url, "bench_insert", url, window, method="POST", body="")

    def submissions(run, floor_rate):
        count = math.ceil(floor_rate * window * BODIES_PER_FLOOR_INSERT) + 100
        log(f"writing {count:,} submissions, each with its own token...")
        bodies = Path(workdir) / f"submissions-{run}.txt"
        load.write_submissions(bodies, count)
        log(f"loading complete submissions, run {run} of {SUBMISSION_RUNS}...")
        url = server.base + "/survey/"
        return _loaded(
            server, database_url, "surveys_response", url, window, method="POST", bodies=bodies
        )

    floors, surveys = [floor()], []
    for run in range(1, SUBMISSION_RUNS + 1):
        surveys.append(submissions(run, floors[-1][0].requests_per_second))
        floors.append(floor())
    log("counting the queued submissions into the tally...")
    from surveys.models import AnswerTally  # once django.setup() has run (main)

    started = time.perf_counter()
    tallied = AnswerTally.objects.catch_up()
    seconds = time.perf_counter() - started
    return report.Submissions(floors, surveys, tallied, seconds)


def measure_http(env, mode, exit_url):
    databases.prepare(env)
    databases.empty_for_serving(env["DATABASE_URL"])
    with tempfile.TemporaryDirectory() as workdir, gunicorn(env, f"{workdir}/error.log") as server:
        log(f"gunicorn serving on {server.base}, workers {server.workers()}")
        warm(server.base)
        pages = measure_pages(server, mode.window)
        submissions = measure_submissions(server, mode.window, env["DATABASE_URL"], workdir)
        log("loading every respondent page in Chromium...")
        weights, delays = respondent_pages.measure(server.base, exit_url, mode.exit_runs)
        memory = server.peak_memory_kb()
    return pages, submissions, weights, delays, memory


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 responses, short runs")
    mode = QUICK if parser.parse_args().quick else FULL
    started = time.monotonic()
    exit_stub = ExitStub()
    server_url = os.environ["DATABASE_URL"]
    env = app_env(databases.url_for(server_url, databases.HTTP), exit_stub.url)
    # This process signs the submissions' tokens: with the server's key.
    os.environ.update(env)
    django.setup()
    try:
        databases.manage(env, "collectstatic", "--noinput", "-v0")
        results = measure_results(env, mode)
        pages, submissions, weights, delays, memory = measure_http(env, mode, exit_stub.url)
        log("weighing a plain GOV.UK Frontend page in Chromium...")
        plain_page = plain_govuk.measure()
        log("measuring django-survey-and-report...")
        other = yardstick.run(server_url, mode.window, log)
    finally:
        exit_stub.close()
    print(
        report.markdown(
            report.Measurements(
                mode=mode,
                machine=report.machine(env["DATABASE_URL"]),
                results=results,
                pages=pages,
                submissions=submissions,
                weights=weights,
                delays=delays,
                memory=memory,
                yardstick=other,
                plain_page=plain_page,
                seconds=time.monotonic() - started,
            )
        )
    )


if __name__ == "__main__":
    main()
