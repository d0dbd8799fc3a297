"""The benchmark's own databases, on the server `make bench` provides (DATABASE_URL).

- ``soteria_bench`` holds 1,000,000 seeded responses and ``soteria_bench_100k`` holds
  100,000. Seeding a million takes far longer than a whole run may (23 minutes here with
  the test suite running alongside), so both are kept between runs and seeded only up
  to what they lack. Nothing else writes to them: the results timings roll back the
  audit entries the page writes.
- ``soteria_bench_http`` is what gunicorn serves; its responses are deleted at the start
  of every run, so the submissions benchmark never changes the seeded counts.

The development database (``soteria``) is never touched.
"""

import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

from scripts.database import ensure_database

ROOT = Path(__file__).resolve().parent.parent

SEEDED = {100_000: "soteria_bench_100k", 1_000_000: "soteria_bench"}
HTTP = "soteria_bench_http"
SEED_BATCH = 100_000


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


def seed(env, wanted, log):
    """Seed env's database up to ``wanted`` responses; return the seconds it took, or
    None when it already held them. Batches use --seed with the count before them, so
    the data are the same on every machine."""
    url = env["DATABASE_URL"]
    have = count(url, "surveys_response")
    if have > wanted:
        name = urlsplit(url).path.lstrip("/")
        raise SystemExit(
            f"{name} holds {have:,} responses, more than the {wanted:,} it is for. "
            f"Drop it (dropdb {name}) and run again to seed it afresh."
        )
    if have == wanted:
        return None
    started = time.monotonic()
    while have < wanted:
        batch = min(SEED_BATCH, wanted - have)
        log(f"seeding {have + batch:,} of {wanted:,} responses...")
        manage(env, "seed_responses", "--count", str(batch), "--seed", str(have))
        have += batch
    log("VACUUM ANALYZE...")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")
    return time.monotonic() - started


def empty_for_serving(url):
    """Delete the served database's responses, and make the bare insert's table."""
    with psycopg.connect(url) as connection:
        connection.execute(
            "TRUNCATE surveys_answer, surveys_answertally, surveys_response, "
            "surveys_submissionreceipt"
        )
        connection.execute(
            "CREATE TABLE IF NOT EXISTS bench_insert (id uuid PRIMARY KEY, month date NOT NULL)"
        )
        connection.execute("TRUNCATE bench_insert")
