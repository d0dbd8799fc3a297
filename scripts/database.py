"""Find or provide the PostgreSQL server that `make run`, `make test` and `make bench` use.

    python scripts/database.py env    print `export` lines for DATABASE_URL (the app's role)
                                      and DATABASE_OWNER_URL (the owner role), for make
    python scripts/database.py url    print the server's URL as found (an administrator's)
    python scripts/database.py stop   stop the project-local cluster, if this script started one

The order is the project's contract (README, "PostgreSQL"):

1. ``DATABASE_URL``, if set, is used as it is.
2. A server answering on 127.0.0.1:5432 (``SOTERIA_PG_PROBE_PORT`` overrides the port).
3. A project-local cluster in ``.pgdata/`` (``SOTERIA_PGDATA``) on 127.0.0.1:54329
   (``SOTERIA_PG_LOCAL_PORT``), made with the system's ``initdb`` (``PG_BINDIR`` names
   the directory of the server binaries when they are somewhere unusual) and started with
   ``pg_ctl``; as root, both run as the ``postgres`` OS user through ``runuser``, because
   PostgreSQL refuses to run as root.
4. Otherwise a message saying how to install PostgreSQL, and exit status 1.

The database (``soteria`` unless the URL names another) is created when it is missing.
Unless ``DATABASE_URL`` was given, ``env`` also creates the two roles the app uses
(surveys/database_roles.py): ``soteria_owner``, which owns the database and its tables
(and may create databases, for the test run's), and ``soteria_app``, which the web app
connects as. A database made before the roles existed is handed to the owner role.
Only the standard library and psycopg are used, so this runs from the project's venv.
"""

import contextlib
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "soteria"
OWNER_ROLE = "soteria_owner"
APP_ROLE = "soteria_app"
# Never write a statement's parameters (a respondent's free text) to the server's log,
# even when a statement is slow or fails (README.md, "Deploying").
QUIET_PARAMETERS = "-c log_parameter_max_length=0 -c log_parameter_max_length_on_error=0"

INSTALL_HELP = """\
PostgreSQL was not found, so there is no database to run on.
Soteria Survey needs PostgreSQL 15 or newer (it never falls back to SQLite). Either:
  - install it: `sudo apt-get install postgresql` (Debian/Ubuntu),
    `sudo dnf install postgresql-server` (Fedora), `brew install postgresql@16` (macOS); or
  - start a server listening on 127.0.0.1:5432 that accepts user `postgres`; or
  - set DATABASE_URL, e.g. postgres://user:password@host:5432/soteria
"""


class ProvisionError(Exception):
    """A problem the person running `make` can fix; the message says how."""


def _port_answers(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _settings():
    return {
        "probe_port": int(os.environ.get("SOTERIA_PG_PROBE_PORT", "5432")),
        "local_port": int(os.environ.get("SOTERIA_PG_LOCAL_PORT", "54329")),
        "pgdata": Path(os.environ.get("SOTERIA_PGDATA", ROOT / ".pgdata")).resolve(),
    }


def server_bindir():
    """The directory holding initdb and pg_ctl: ``PG_BINDIR`` if set, else pg_config's
    answer, else the newest Debian-style /usr/lib/postgresql/N/bin, else the PATH."""
    if os.environ.get("PG_BINDIR"):
        bindir = Path(os.environ["PG_BINDIR"])
        return bindir if (bindir / "initdb").exists() else None
    pg_config = shutil.which("pg_config")
    if pg_config:
        bindir = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if bindir and (Path(bindir) / "initdb").exists():
            return Path(bindir)
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_cluster_owner(command):
    """Run as the postgres OS user when we are root; PostgreSQL refuses root."""
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError as error:
            raise ProvisionError(
                "Running as root, but there is no `postgres` OS user to own the local "
                "PostgreSQL cluster. Create one (`useradd --system postgres`) or run as "
                "an ordinary user."
            ) from error
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _run(command):
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ProvisionError(
            f"`{' '.join(command)}` failed:\n{result.stdout}{result.stderr}".rstrip()
        )


def start_local_cluster(pgdata, port):
    """Initialise (once) and start the project-local cluster; return its URL."""
    url = f"postgres://postgres@127.0.0.1:{port}/{DATABASE_NAME}"
    if _port_answers(port):
        return url
    bindir = server_bindir()
    if bindir is None:
        raise ProvisionError(INSTALL_HELP)
    if not (pgdata / "PG_VERSION").exists():
        pgdata.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(pgdata, "postgres", "postgres")
        _run(
            _as_cluster_owner(
                [
                    str(bindir / "initdb"),
                    "--pgdata",
                    str(pgdata),
                    "--username",
                    "postgres",
                    "--auth",
                    "trust",
                    "--encoding",
                    "UTF8",
                    "--no-instructions",
                ]
            )
        )
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -k {pgdata} -c fsync=off {QUIET_PARAMETERS}"
    )
    _run(
        _as_cluster_owner(
            [
                str(bindir / "pg_ctl"),
                "--pgdata",
                str(pgdata),
                "--log",
                str(pgdata / "server.log"),
                "--options",
                options,
                "--wait",
                "start",
            ]
        )
    )
    return url


def stop_local_cluster(pgdata):
    bindir = server_bindir()
    if bindir is None or not (pgdata / "postmaster.pid").exists():
        return
    _run(
        _as_cluster_owner([str(bindir / "pg_ctl"), "--pgdata", str(pgdata), "-m", "fast", "stop"])
    )


def server_connection(url):
    """An autocommit connection to the maintenance database ("postgres") of the server
    the URL names, for creating, copying and dropping databases."""
    maintenance = urlsplit(url)._replace(path="/postgres").geturl()
    return psycopg.connect(maintenance, autocommit=True, connect_timeout=5)


def has_database(connection, name):
    """Whether the server on ``connection`` has the database ``name``."""
    found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return found.fetchone() is not None


def ensure_database(url):
    """Create the database named in the URL when the server does not have it yet."""
    name = urlsplit(url).path.lstrip("/") or DATABASE_NAME
    with server_connection(url) as connection:
        if not has_database(connection, name):
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_url():
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    settings = _settings()
    if _port_answers(settings["probe_port"]):
        url = f"postgres://postgres@127.0.0.1:{settings['probe_port']}/{DATABASE_NAME}"
    else:
        url = start_local_cluster(settings["pgdata"], settings["local_port"])
    ensure_database(url)
    return url


def ensure_roles(url):
    """Create the owner and app roles on the server, when missing (passwordless, as the
    server this finds trusts local connections). Development and tests only: README.md
    says how to make them for a deployment."""
    with server_connection(url) as connection:
        for role, options in ((OWNER_ROLE, "LOGIN CREATEDB"), (APP_ROLE, "LOGIN")):
            # Made by an earlier run, perhaps, or by a parallel one just now.
            with contextlib.suppress(psycopg.errors.DuplicateObject):
                connection.execute(
                    sql.SQL("CREATE ROLE {} " + options).format(sql.Identifier(role))
                )
        # make bench copies a million responses without firing triggers (benchmarks/
        # databases.py); the owner may turn its own tables' triggers off anyway.
        connection.execute(
            sql.SQL("GRANT SET ON PARAMETER session_replication_role TO {}").format(
                sql.Identifier(OWNER_ROLE)
            )
        )


# Tables, views and functions made before the owner role existed (by whoever migrated).
_HAND_OVER = """
    DO $$
    DECLARE item record;
    BEGIN
        FOR item IN
            SELECT 'TABLE ' || c.oid::regclass AS name FROM pg_class c
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
              AND c.relowner <> {owner}::regrole
            UNION ALL
            SELECT 'FUNCTION ' || p.oid::regprocedure FROM pg_proc p
            WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> {owner}::regrole
        LOOP
            EXECUTE format('ALTER %s OWNER TO %I', item.name, {owner});
        END LOOP;
    END $$
"""


def hand_over(url):
    """Make the owner role the owner of the database the URL names, of what is in it,
    and of the test run's database made from it (test_NAME) if one is left over; and
    keep statements' parameters out of the server's log for both."""
    name = urlsplit(url).path.lstrip("/") or DATABASE_NAME
    owner = sql.Identifier(OWNER_ROLE)
    with server_connection(url) as connection:
        for database in (name, f"test_{name}"):
            if has_database(connection, database):
                connection.execute(
                    sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                        sql.Identifier(database), owner
                    )
                )
                # On a server this did not start, too (QUIET_PARAMETERS).
                for parameter in ("log_parameter_max_length", "log_parameter_max_length_on_error"):
                    connection.execute(
                        sql.SQL("ALTER DATABASE {} SET {} = 0").format(
                            sql.Identifier(database), sql.Identifier(parameter)
                        )
                    )
    database = urlsplit(url)._replace(path=f"/{name}").geturl()
    with psycopg.connect(database, autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql.SQL(_HAND_OVER).format(owner=sql.Literal(OWNER_ROLE)))


def role_urls():
    """(DATABASE_URL, DATABASE_OWNER_URL): those given, or the two roles' URLs on the
    server found, provided with both roles."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], os.environ.get("DATABASE_OWNER_URL", "")
    url = database_url()
    ensure_roles(url)
    hand_over(url)
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return tuple(
        parts._replace(netloc=f"{role}@{host}").geturl() for role in (APP_ROLE, OWNER_ROLE)
    )


def main(argv):
    command = argv[1] if len(argv) > 1 else "url"
    try:
        if command == "env":
            app, owner = role_urls()
            print(f"export DATABASE_URL={shlex.quote(app)}")
            if owner:
                print(f"export DATABASE_OWNER_URL={shlex.quote(owner)}")
        elif command == "url":
            print(database_url())
        elif command == "stop":
            stop_local_cluster(_settings()["pgdata"])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (ProvisionError, psycopg.Error) as error:
        print(f"database: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
