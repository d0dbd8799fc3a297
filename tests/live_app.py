"""The app as production runs it, for tests that need real processes.

gunicorn with the project's gunicorn.conf.py, production settings (DEBUG off, production
logging, HTTPS behind a load balancer) and a PostgreSQL cluster of its own, made from the
system's PostgreSQL binaries the way scripts/database.py makes the project-local one, so
that a test can stop and start the database under a running app and dump it afterwards.
"""

import functools
import http.client
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from scripts.database import (
    ensure_database,
    server_bindir,
    start_local_cluster,
    stop_local_cluster,
)
from tests.survey_data import token_on

ROOT = Path(__file__).resolve().parent.parent
# Bounds, not expectations: how long to wait for a process before calling it broken.
START_TIMEOUT = 60
REQUEST_TIMEOUT = 30


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A throwaway PostgreSQL cluster on a free port, owned by the postgres OS user when
    the tests run as root (PostgreSQL refuses to run as root)."""

    def __init__(self, pgdata):
        self.pgdata = pgdata
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/soteria"

    def start(self):
        start_local_cluster(self.pgdata, self.port)

    def stop(self):
        """A fast shutdown: open connections are cut, as in a crash or a failover."""
        stop_local_cluster(self.pgdata)

    def dump(self):
        """Everything in the app's database, as pg_dump writes it."""
        return subprocess.run(
            [str(server_bindir() / "pg_dump"), "--dbname", self.url],
            capture_output=True,
            text=True,
            check=True,
            timeout=REQUEST_TIMEOUT,
        ).stdout


@contextmanager
def throwaway_cluster():
    # Outside pytest's private tmp directory: the postgres OS user must reach it.
    parent = Path(tempfile.mkdtemp(prefix="soteria-pg-"))
    parent.chmod(0o755)
    cluster = Cluster(parent / "data")
    try:
        cluster.start()
        ensure_database(cluster.url)
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(parent, ignore_errors=True)


@dataclass
class Reply:
    status: int
    headers: dict
    text: str


class LiveApp:
    """The running server: send it requests and read everything it has logged."""

    def __init__(self, port, log_path):
        self.port = port
        self.log_path = log_path

    def request(self, method, path, form=None, headers=None, source_address=None):
        """One request on a fresh connection, as the load balancer forwards it (HTTPS
        terminated, X-Forwarded-Proto set); `source_address` picks the client's own
        address on the loopback network, which the app sees as REMOTE_ADDR."""
        connection = http.client.HTTPConnection(
            "127.0.0.1",
            self.port,
            timeout=REQUEST_TIMEOUT,
            source_address=(source_address, 0) if source_address else None,
        )
        sent = {"X-Forwarded-Proto": "https", **(headers or {})}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode()
            return Reply(response.status, dict(response.getheaders()), text)
        finally:
            connection.close()

    def send_raw(self, data, source_address=None):
        """Bytes straight to the server, for requests no HTTP client would send; returns
        the status line."""
        source = (source_address, 0) if source_address else None
        address = ("127.0.0.1", self.port)
        with socket.create_connection(address, REQUEST_TIMEOUT, source) as connection:
            connection.sendall(data)
            return connection.makefile("rb").readline().decode().strip()

    def new_token(self, **request_options):
        """A form token, got as a respondent gets one: by answering the eligibility
        questions (which needs no database)."""
        eligibility = {"stage": "eligibility", "age_18_or_over": "yes", "reported": "yes_myself"}
        reply = self.request("POST", "/survey/", eligibility, **request_options)
        assert reply.status == 200, reply.text
        return token_on(reply.text)

    def log(self):
        return self.log_path.read_text()


def production_env(database_url):
    """Production settings: nothing of the test run's own environment leaks in."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "QUICK_", "DISCLOSURE_"))
        and k not in {"DATABASE_URL", "DATABASE_OWNER_URL", "PORT", "WEB_CONCURRENCY"}
    }
    env["DATABASE_URL"] = database_url
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
    return env


def _manage(env, *command):
    subprocess.run(
        [sys.executable, "manage.py", *command, "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=START_TIMEOUT,
    )


@functools.cache
def _collect_static():
    """Production serves hashed static files from a manifest, as after a deploy; once
    per test run is enough. (collectstatic never connects to the database.)"""
    _manage(production_env("postgres://127.0.0.1/unused"), "collectstatic", "--noinput")


@contextmanager
def served(database_url, log_path):
    """Migrate the database, then serve the app with gunicorn until the block ends;
    everything it writes to standard output and error goes to `log_path`."""
    env = production_env(database_url)
    _manage(env, "migrate", "--noinput")
    _collect_static()
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "soteria_survey.wsgi"),
                *("--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    app = LiveApp(port, log_path)
    try:
        _wait_until_serving(app, process)
        yield app
    finally:
        process.terminate()
        try:
            process.wait(timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(app, process):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{app.log()}")
        try:
            if app.request("GET", "/").status == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not start serving:\n{app.log()}")
