"""Shared fixtures. Tests talk to a real PostgreSQL (DATABASE_URL, provided by `make test`)
and, for browser tests, drive Debian's Chromium through Playwright."""

import os

import pytest
from django.conf import settings

from surveys import tokens
from surveys.forces import load_forces
from surveys.models import Force
from tests.staff import sign_in

# The live server runs in a thread while Playwright's sync API runs an event loop in
# this one; Django refuses ORM calls from a thread with a running loop unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True, scope="session")
def _plain_static_storage():
    """Serve static files by their plain names in tests, so that the live server (which
    serves from the finders) and a developer who has not run collectstatic both work.
    tests/test_static_files.py checks the hashed, compressed production storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_sessionfinish(session, exitstatus):
    """In CI nothing may be skipped: a skipped test fails the run."""
    if os.environ.get("CI", "").lower() != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; skipping is not allowed in CI.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The forces, as their migration loads them, in a test database kept from an
    earlier run too (--reuse-db, which make mutation uses for each mutant): a test that
    commits empties every table when it ends, and would leave the next run without."""
    with django_db_blocker.unblock():
        load_forces(Force)


@pytest.fixture
def token():
    return tokens.issue()


@pytest.fixture
def reference_data(transactional_db):
    """For tests that commit (live server, real faults): the database is emptied after
    each, reference data included, so put the forces back as the migration does."""
    load_forces(Force)


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, past the second factor as every staff user must be."""
    sign_in(client, admin_user)
    return client
