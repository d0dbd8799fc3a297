"""Shared fixtures. Tests talk to a real PostgreSQL (DATABASE_URL, provided by `make test`)
and, for browser tests, drive Debian's Chromium through Playwright."""

import os
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.utils import timezone, translation

from surveys import questionnaire, tokens
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


_APP_ROLE = {key: settings.DATABASES["default"][key] for key in ("USER", "PASSWORD")}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """The test database is created and migrated by the owner role, as a deployment's
    is (surveys/database_roles.py); the tests then run as the app's role."""
    if settings.DATABASE_OWNER:
        connections["default"].settings_dict.update(settings.DATABASE_OWNER)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The forces, as their migration loads them, in a test database kept from an
    earlier run too (--reuse-db, which make mutation uses for each mutant): a test that
    commits empties every table when it ends, and would leave the next run without. Then
    the tests run as the app's role."""
    with django_db_blocker.unblock():
        load_forces(Force)
    connection = connections["default"]
    connection.close()
    connection.settings_dict.update(_APP_ROLE)
    yield
    if settings.DATABASE_OWNER:  # which may drop the test database; the app's role may not
        connection.close()
        connection.settings_dict.update(settings.DATABASE_OWNER)


@pytest.fixture(autouse=True)
def _language_of_each_request_only():
    """A request to a Welsh page leaves Welsh active in its thread (LocaleMiddleware
    sets each request's language and never resets it); a test starts with none, as each
    request does, so that a URL it reverses is not Welsh by accident."""
    yield
    translation.deactivate()


@pytest.fixture
def token():
    return tokens.issue()


@pytest.fixture
def reference_data(transactional_db):
    """For tests that commit (live server, real faults): the database is emptied after
    each, reference data included, so put the forces back as the migration does."""
    load_forces(Force)


@pytest.fixture
def national_analyst(client, monkeypatch, django_user_model):
    """The test client, signed in as a national analyst (manage.py create_analyst
    --national), who may read every force's results and their comments."""
    monkeypatch.setenv("ANALYST_PASSWORD", "a-long-enough-password-9")
    call_command("create_analyst", "national-analyst", national=True)
    sign_in(client, django_user_model.objects.get(username="national-analyst"))
    return client


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, past the second factor as every staff user must be."""
    sign_in(client, admin_user)
    return client


def make_live(monkeypatch, version):
    """Make ``version`` the questionnaire live this month, whatever today is."""
    this_month = timezone.localdate().replace(day=1)
    versions = list(questionnaire.LIVE_FROM)
    position = versions.index(version)
    starts = [date.min] * position + [this_month] + [date.max] * (len(versions) - position - 1)
    monkeypatch.setattr(questionnaire, "LIVE_FROM", dict(zip(versions, starts, strict=True)))


@pytest.fixture(params=list(questionnaire.LIVE_FROM))
def live_version(request, monkeypatch):
    """Each questionnaire version in turn, live this month."""
    make_live(monkeypatch, request.param)
    return request.param


@pytest.fixture
def newest_live(monkeypatch):
    """The newest questionnaire version live this month."""
    make_live(monkeypatch, questionnaire.VERSION)
    return questionnaire.VERSION
