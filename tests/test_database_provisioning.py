"""scripts/database.py: the PostgreSQL that `make run` and `make test` use.

These start a real throwaway cluster from the system's PostgreSQL binaries, exactly as
happens on a machine where nothing answers on port 5432.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "database.py"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _script(command, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    return subprocess.run(
        [sys.executable, str(SCRIPT), command],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def cluster_dir():
    # Outside pytest's private tmp directory: the postgres OS user must reach it.
    parent = Path(tempfile.mkdtemp(prefix="soteria-pg-"))
    parent.chmod(0o755)
    yield parent / "data"
    shutil.rmtree(parent, ignore_errors=True)


def test_database_url_wins_when_set():
    result = _script("url", DATABASE_URL="postgres://someone@db.example.org/survey")
    assert result.stdout.strip() == "postgres://someone@db.example.org/survey"


def test_local_cluster_is_made_and_started_when_nothing_answers(cluster_dir):
    env = {
        "SOTERIA_PG_PROBE_PORT": str(_free_port()),  # nothing listens there
        "SOTERIA_PG_LOCAL_PORT": str(_free_port()),
        "SOTERIA_PGDATA": str(cluster_dir),
    }
    try:
        result = _script("url", **env)
        assert result.returncode == 0, result.stderr
        url = result.stdout.strip()
        assert url == f"postgres://postgres@127.0.0.1:{env['SOTERIA_PG_LOCAL_PORT']}/soteria"
        with psycopg.connect(url) as connection:
            assert connection.execute("SELECT current_database()").fetchone() == ("soteria",)
        assert (cluster_dir / "PG_VERSION").exists()
        # A second call finds the running cluster and answers the same.
        assert _script("url", **env).stdout.strip() == url
    finally:
        _script("stop", **env)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)


def test_the_local_cluster_gets_an_owner_role_and_an_app_role_that_cannot_erase_the_audit(
    cluster_dir,
):
    """What `make run` and `make test` get: both roles, a database owned by the owner
    (tables made before the roles existed included), and the app's role migrated for."""
    env = {
        "SOTERIA_PG_PROBE_PORT": str(_free_port()),
        "SOTERIA_PG_LOCAL_PORT": str(_free_port()),
        "SOTERIA_PGDATA": str(cluster_dir),
    }
    try:
        server = _script("url", **env).stdout.strip()
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute("CREATE TABLE made_before_the_roles (id int)")
            parameters = connection.execute(
                "SELECT current_setting('log_parameter_max_length'), "
                "current_setting('log_parameter_max_length_on_error')"
            ).fetchone()
        assert parameters == ("0", "0")  # no respondent's text in the server's log
        result = _script("env", **env)
        assert result.returncode == 0, result.stderr
        urls = dict(
            line.removeprefix("export ").split("=", 1) for line in result.stdout.splitlines()
        )
        port = env["SOTERIA_PG_LOCAL_PORT"]
        assert urls == {
            "DATABASE_URL": f"postgres://soteria_app@127.0.0.1:{port}/soteria",
            "DATABASE_OWNER_URL": f"postgres://soteria_owner@127.0.0.1:{port}/soteria",
        }
        with psycopg.connect(server) as connection:
            owners = connection.execute(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'soteria' "
                "UNION ALL SELECT tableowner FROM pg_tables WHERE tablename = "
                "'made_before_the_roles'"
            ).fetchall()
        assert owners == [("soteria_owner",), ("soteria_owner",)]
        manage = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
        migrated = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
            cwd=SCRIPT.parent.parent,
            env={**manage, **urls},
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert migrated.returncode == 0, migrated.stderr
        with psycopg.connect(urls["DATABASE_URL"]) as connection:
            assert connection.execute("SELECT count(*) FROM surveys_force").fetchone()[0] > 40
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute("TRUNCATE surveys_auditentry")
    finally:
        _script("stop", **env)


def test_clear_message_when_there_is_no_postgresql(cluster_dir):
    result = _script(
        "url",
        SOTERIA_PG_PROBE_PORT=str(_free_port()),
        SOTERIA_PG_LOCAL_PORT=str(_free_port()),
        SOTERIA_PGDATA=str(cluster_dir),
        PG_BINDIR="/nonexistent",
    )
    assert result.returncode == 1
    assert "PostgreSQL was not found" in result.stderr
    assert "apt-get install postgresql" in result.stderr
    assert "DATABASE_URL" in result.stderr
