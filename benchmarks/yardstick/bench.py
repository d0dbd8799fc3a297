"""django-survey-and-report under the same load as ours: its survey page and complete
submissions, served by gunicorn (the project's gunicorn.conf.py, 2 workers) and loaded
by wrk through benchmarks.load.

The package's form needs Django's CSRF check to pass: every request of the submissions
run carries one fixed CSRF cookie, and every body the same token (Django accepts a token
again and again). Its view keeps nothing in the session for an all-in-one-page survey,
so no session cookie is needed. The survey page is loaded without cookies, as a first
visit.
"""

import json
import os
import secrets
import sys
import tempfile
from dataclasses import dataclass

from benchmarks import databases, load
from benchmarks.server import fetch, gunicorn
from benchmarks.yardstick import DATABASE
from scripts.database import ensure_database

WARM_REQUESTS = 10
# A stored submission answers 302 to the package's confirmation page.
STORED_STATUS = 302


@dataclass(frozen=True)
class Yardstick:
    path: str  # the survey page: GET shows it, POST submits it
    questions: int
    reused: bool  # the survey was already in the database
    page: load.Load  # GET of the survey page
    submissions: load.Load  # complete submissions
    stored: int  # responses the submissions run added
    peak_memory_kb: dict  # each gunicorn worker's VmHWM, by process id

    @property
    def acknowledged(self):
        return self.submissions.count(STORED_STATUS)


def _log(message):
    print(f"[yardstick] {message}", file=sys.stderr, flush=True)


def yardstick_env(server_url):
    """The environment gunicorn and manage.py run the yardstick project in."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.yardstick.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": databases.url_for(server_url, DATABASE),
        "WEB_CONCURRENCY": "2",
    }


def prepare(env):
    """Create and migrate the yardstick's database, make or reuse its survey and empty
    its responses; what benchmarks/yardstick/survey.py prints."""
    ensure_database(env["DATABASE_URL"])
    databases.manage(env, "migrate", "--noinput", "-v0")
    return json.loads(databases.python(env, "-m", "benchmarks.yardstick.survey"))


def _warm(base, target, body, cookie, database_url):
    """Check that the page shows every question and that submissions are stored; a few
    of each, so both workers are ready before anything is timed."""
    url = base + target["path"]
    last = f'name="question_{target["questions"]}"'
    for _ in range(WARM_REQUESTS):
        reply = fetch(url)
        if reply.status != 200 or last not in reply.text:
            raise SystemExit(
                f"GET {target['path']} answered {reply.status} without every question"
            )
    before = databases.count(database_url, "survey_response")
    for _ in range(WARM_REQUESTS):
        reply = fetch(url, "POST", body, {"Cookie": cookie})
        if reply.status != STORED_STATUS or "/confirm/" not in (reply.location or ""):
            raise SystemExit(
                f"POST {target['path']} answered {reply.status}, not a stored response"
            )
    stored = databases.count(database_url, "survey_response") - before
    if stored != WARM_REQUESTS:
        raise SystemExit(f"{WARM_REQUESTS} submissions acknowledged, {stored} stored")


def measure(base, window, target, database_url, log=_log):
    """Load the survey page, then complete submissions, for window seconds each;
    (page Load, submissions Load, responses the submissions stored)."""
    token = secrets.token_hex(16)  # a CSRF secret: 32 characters, letters and digits
    cookie = f"csrftoken={token}"
    body = f"csrfmiddlewaretoken={token}&{target['body']}"
    _warm(base, target, body, cookie, database_url)
    url = base + target["path"]
    log(f"loading django-survey-and-report's survey page, GET {target['path']}...")
    page = load.run(url, window)
    log("loading django-survey-and-report's complete submissions...")
    submissions, stored = databases.rows_added(
        database_url,
        "survey_response",
        load.run,
        url,
        window,
        method="POST",
        body=body,
        headers=[f"Cookie: {cookie}"],
    )
    return page, submissions, stored


def run(server_url, window, log=_log):
    """Set up the yardstick on the PostgreSQL server server_url (a DATABASE_URL naming
    any database there), serve it with gunicorn and measure it: a Yardstick."""
    env = yardstick_env(server_url)
    log(f"preparing {DATABASE}...")
    target = prepare(env)
    with (
        tempfile.TemporaryDirectory() as workdir,
        gunicorn(env, f"{workdir}/error.log") as server,
    ):
        log(f"gunicorn serving django-survey-and-report on {server.base}")
        page, submissions, stored = measure(server.base, window, target, env["DATABASE_URL"], log)
        memory = server.peak_memory_kb()
    return Yardstick(
        path=target["path"],
        questions=target["questions"],
        reused=target["reused"],
        page=page,
        submissions=submissions,
        stored=stored,
        peak_memory_kb=memory,
    )
