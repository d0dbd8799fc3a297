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
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
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
