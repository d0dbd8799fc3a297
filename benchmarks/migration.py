"""Time migration 0016 (record keys, cell keys, published months) on the seeded million.

    python -m benchmarks.migration [--size 1000000]

Needs DATABASE_URL naming the server (as benchmarks/run.py; the settings are the
benchmark's, with a throwaway secret key) and the benchmark's seeded database of that
size (`make bench` makes it). It never changes that database: it
copies it (CREATE DATABASE ... TEMPLATE), migrates the copy back to 0015 (as a
database was before 0016 landed; then VACUUM ANALYZE, untimed), and times

- ``manage.py migrate surveys 0016``: adding every response's record key (a rewrite
  of the response table) and summing every tally row's cell key from them (one pass
  over every response's choices), with Django's start-up, which is timed alone too
  (the same command once there is nothing to apply);
- the migrations after 0016 (nothing to add up yet: no month is published);
- publishing every month afterwards, as the deploy does straight after
  (benchmarks/publish.py: publish_due, each month's national breakdowns counted).

Then it drops the copy, and prints one JSON object.
"""

import argparse
import json
import os
import time

import psycopg

from benchmarks import databases
from benchmarks.run import app_env, log

# The settings need a quick-exit address; nothing here serves a page.
QUICK_EXIT = "http://127.0.0.1:8765/weather"


def _timed(env, *args):
    started = time.monotonic()
    output = databases.python(env, *args)
    return time.monotonic() - started, output


def measure(server_url, size, log):
    source = databases.SEEDED[size]
    if not databases._exists(server_url, source):
        raise SystemExit(f"{source} is missing: run `make bench` first to make it.")
    copy = f"{source}_migration"
    url = databases.url_for(server_url, copy)
    env = app_env(url, QUICK_EXIT)
    databases._drop(server_url, copy)  # left by an interrupted run
    try:
        log(f"copying {source}...")
        databases.copy_database(server_url, source, copy)
        log("migrating the copy back to 0015...")
        back, _output = _timed(env, "manage.py", "migrate", "surveys", "0015", "-v0")
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("VACUUM (ANALYZE)")
        log("timing migrate surveys 0016...")
        forward, _output = _timed(env, "manage.py", "migrate", "surveys", "0016", "-v0")
        startup, _output = _timed(env, "manage.py", "migrate", "surveys", "0016", "-v0")
        log("migrating the rest of the way...")
        rest, _output = _timed(env, "manage.py", "migrate", "-v0")
        log("publishing every month...")
        publishing, output = _timed(env, "-m", "benchmarks.publish")
        published = json.loads(output)
        return {
            "responses": databases.count(url, "surveys_response"),
            "tally_rows": databases.count(url, "surveys_answertally"),
            "back_to_0015_seconds": back,
            "migrate_0016_seconds": forward,
            "nothing_to_apply_seconds": startup,
            "migrate_after_0016_seconds": rest,
            "publish_months": len(published["published"]),
            "publish_seconds": published["seconds"],
            "publish_command_seconds": publishing,
        }
    finally:
        databases._drop(server_url, copy)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, choices=databases.SEEDED)
    arguments = parser.parse_args()
    print(json.dumps(measure(os.environ["DATABASE_URL"], arguments.size, log)))


if __name__ == "__main__":
    main()
