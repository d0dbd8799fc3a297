"""The benchmark's own databases, on the server `make bench` provides (DATABASE_URL).

- ``soteria_bench_100k`` holds 100,000 seeded responses and ``soteria_bench``
  1,000,000. The first run makes them and later runs keep them: nothing else writes
  to them (the results timings roll back the audit entries the page writes).
  ``seed_responses`` makes 10,000 varied responses (GENERATED); the 100,000 are those
  ten times over and the million ten times that, copied in SQL with new ids (multiply)
  in about three minutes, where seed_responses would take a quarter of an hour. The
  results page's timings depend on how many rows there are, not on how many of them
  differ. Each database is built under a temporary name and renamed when
  complete, so an interrupted run leaves nothing half-made behind.
- Analysts see published months only (surveys.publication), so every seeded month is
  published (benchmarks/publish.py, through publish_due): the 100,000 once seeded, the
  million as copies of published months. A database kept from an earlier run is
  migrated, and its months published if any are not (one made before migration 0016
  had none), so that the next run is right without anyone dropping it.
- ``soteria_bench_http`` is what gunicorn serves; its responses are deleted at the start
  of every run, so the submissions benchmark never changes the seeded counts.

The development database (``soteria``) is never touched.
"""

import json
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

from scripts.database import ensure_database, has_database, server_connection

ROOT = Path(__file__).resolve().parent.parent

SEEDED = {100_000: "soteria_bench_100k", 1_000_000: "soteria_bench"}
HTTP = "soteria_bench_http"
# Responses seed_responses makes for the smallest seeded database (always with the
# same --seed, so the answers are the same on every machine); the rest are copies of
# them under random ids.
GENERATED = 10_000
# Record keys run from 0 to this - 1 (surveys.models.RECORD_KEYS; not imported, as this
# module runs before Django is set up).
RECORD_KEYS = 256


def url_for(server_url, name):
    return urlsplit(server_url)._replace(path=f"/{name}").geturl()


def python(env, *args):
    """Run this Python with args, in the project's directory and the given environment
    (its DATABASE_URL); return the output, or stop with the error output."""
    finished = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if finished.returncode:
        raise SystemExit(f"`python {' '.join(args)}` failed:\n{finished.stderr}")
    return finished.stdout


def manage(env, *args):
    return python(env, "manage.py", *args)


def prepare(env):
    """Create the database env's DATABASE_URL names, if missing, and migrate it."""
    ensure_database(env["DATABASE_URL"])
    manage(env, "migrate", "--noinput", "-v0")


def count(url, table):
    with psycopg.connect(url) as connection:
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
        return connection.execute(query).fetchone()[0]


def rows_added(url, table, function, *args, **kwargs):
    """What ``function(*args, **kwargs)`` returns, and how many rows it added to table."""
    before = count(url, table)
    result = function(*args, **kwargs)
    return result, count(url, table) - before


def _exists(server_url, name):
    with server_connection(server_url) as connection:
        return has_database(connection, name)


def _drop(server_url, name):
    with server_connection(server_url) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def provide(env, size, log):
    """Make sure the database for ``size`` seeded responses exists, making it if not
    (the smaller sizes first: each larger one starts as a copy of the next smaller),
    migrated and with every seeded month published. Returns a Provided."""
    server_url = env["DATABASE_URL"]
    name = SEEDED[size]
    url = url_for(server_url, name)
    if _exists(server_url, name):
        size_env = {**env, "DATABASE_URL": url}
        migrated = _migrate(size_env, log)
        have = count(url, "surveys_response")
        if have != size:
            raise SystemExit(
                f"{name} holds {have:,} responses, not {size:,}. Drop it "
                f"(dropdb {name}) and run again to make it afresh."
            )
        return Provided(url, None, migrated, _publish(size_env, log))
    started = time.monotonic()
    building = f"{name}_building"
    _drop(server_url, building)  # left by an interrupted run
    building_env = {**env, "DATABASE_URL": url_for(server_url, building)}
    smaller = [known for known in SEEDED if known < size]
    if smaller:
        source = max(smaller)
        log(f"copying the {source:,} responses {size // source} times over...")
        copy_database(server_url, SEEDED[source], building)
        prepare(building_env)
        multiply(building_env["DATABASE_URL"], size // source)
    else:
        log(f"seeding {GENERATED:,} responses, copying them {size // GENERATED} times over...")
        prepare(building_env)
        manage(building_env, "seed_responses", "--count", str(GENERATED), "--seed", "0")
        multiply(building_env["DATABASE_URL"], size // GENERATED)
    # Copies of published months are published already (multiply counts their
    # breakdowns too); a database seeded here is published at its full size.
    published = _publish(building_env, log)
    log("VACUUM ANALYZE...")
    with psycopg.connect(building_env["DATABASE_URL"], autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")
    with server_connection(server_url) as connection:
        connection.execute(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(building), sql.Identifier(name)
            )
        )
    return Provided(url, time.monotonic() - started, None, published)


@dataclass(frozen=True)
class Provided:
    """A seeded database ready to time: its URL; the seconds spent making it (None when
    kept from an earlier run); the seconds spent migrating it when an earlier run made
    it under older migrations (None when it was up to date); and what publishing its
    months did (benchmarks/publish.py's JSON; None when every month was published)."""

    url: str
    seconds: float | None
    migrated: float | None
    published: dict | None


def _applied(url):
    with psycopg.connect(url) as connection:
        return connection.execute("SELECT count(*) FROM django_migrations").fetchone()[0]


def _migrate(env, log):
    """Migrate a kept database; the seconds it took when there was anything to apply."""
    before = _applied(env["DATABASE_URL"])
    started = time.monotonic()
    prepare(env)
    seconds = time.monotonic() - started
    if _applied(env["DATABASE_URL"]) == before:
        return None
    name = urlsplit(env["DATABASE_URL"]).path[1:]
    log(f"migrated {name} (made by an older run) in {seconds:.0f} s")
    return seconds


def unpublished(url):
    """How many months the tally holds that are not published."""
    with psycopg.connect(url) as connection:
        return connection.execute(
            """
            SELECT count(DISTINCT month) FROM surveys_answertally t
            WHERE NOT EXISTS (SELECT FROM surveys_publishedmonth p WHERE p.month = t.month)
            """
        ).fetchone()[0]


def _publish(env, log):
    """Publish every seeded month not published yet (a database made by an older run,
    or seeded in this one), with surveys.publication.publish_due; what it did, or None
    when every month was published already."""
    if not unpublished(env["DATABASE_URL"]):
        return None
    log("publishing the seeded months (surveys.publication.publish_due)...")
    published = json.loads(python(env, "-m", "benchmarks.publish"))
    log(f"published {len(published['published'])} months in {published['seconds']:.1f} s")
    return published


def copy_database(server_url, source, target):
    """Create the database ``target`` as a copy of ``source``, file by file."""
    with server_connection(server_url) as connection:
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(target), sql.Identifier(source)
            )
        )


def multiply(url, copies):
    """Make the responses in url's database ``copies`` times as many, in one
    transaction: each copy of a response has a new id and the same month, force and
    answers, and the tallies and the published months' breakdowns are multiplied to
    match. The rows copied already hold, so foreign keys go unchecked (replica role).

    Each copy's record keys are the original's shifted by a number of that copy's own
    (``shifts``), so that cell keys stay spread over every value, as fresh random keys
    would be: copied keys unchanged would make a cell's key its count of copies times
    the original's, only ever a multiple of 4 at a million. A cell of n original
    responses then has the key copies * key + n * (the shifts' sum), exactly."""
    shifts = [
        # Repeatable, not secret: the seeded data are the same on every machine.
        random.Random(f"{copies}/{copy}").randrange(RECORD_KEYS)  # noqa: S311
        for copy in range(1, copies)
    ]
    with psycopg.connect(url) as connection:
        connection.execute("SET statement_timeout = 0")
        connection.execute("SET session_replication_role = replica")
        connection.execute(
            """
            INSERT INTO surveys_response (id, questionnaire_version, force_id, reported,
                                          submitted_month, choices, free_text, record_key)
            SELECT gen_random_uuid(), questionnaire_version, force_id, reported,
                   submitted_month, choices, free_text,
                   (record_key + (%(shifts)s::int[])[number]) %% %(keys)s
            FROM surveys_response, generate_series(1, %(more)s) AS number
            """,
            {"more": copies - 1, "shifts": shifts, "keys": RECORD_KEYS},
        )
        for table in ("surveys_answertally", "surveys_breakdowntally"):
            connection.execute(
                sql.SQL(
                    "UPDATE {} SET response_count = response_count * %(copies)s, "
                    "cell_key = (cell_key * %(copies)s + response_count * %(shifted)s) %% %(keys)s"
                ).format(sql.Identifier(table)),
                {"copies": copies, "shifted": sum(shifts), "keys": RECORD_KEYS},
            )


def empty_for_serving(url):
    """Delete the served database's responses, and make the bare insert's table."""
    with psycopg.connect(url) as connection:
        connection.execute(
            "TRUNCATE surveys_answertally, surveys_untalliedresponse, "
            "surveys_response, surveys_submissionreceipt"
        )
        connection.execute(
            "CREATE TABLE IF NOT EXISTS bench_insert (id uuid PRIMARY KEY, month date NOT NULL)"
        )
        connection.execute("TRUNCATE bench_insert")
