"""Production start-up refuses missing or malformed settings, naming the variable."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "soteria_survey.settings",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "survey.example.org",
    "DATABASE_URL": "postgres://survey@db.example.org:5432/soteria",
    "PRIVACY_CONTROLLER": "Example University",
    "PRIVACY_CONTROLLER_CY": "Prifysgol Enghraifft",
    "PRIVACY_CONTACT": "dpo@example.ac.uk",
    "DATABASE_OWNER_URL": "postgres://survey_owner@db.example.org:5432/soteria",
}


def _run(code, *args, **changes):
    """Run Python in a fresh process with production settings changed as given
    (None removes a variable); nothing of this test run's environment leaks in."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("DJANGO_", "QUICK_", "DISCLOSURE_", "PRIVACY_", "ACCESSIBILITY_", "DATABASE_")
        )
        and k != "RETENTION_MONTHS"
    }
    env.update(PRODUCTION)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, *(["-c", code] if code else []), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _start(**changes):
    return _run("import django; django.setup()", **changes)


def test_production_settings_start():
    result = _start()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_SECRET_KEY", None, "DJANGO_SECRET_KEY must be set"),
        ("DJANGO_SECRET_KEY", "short", "DJANGO_SECRET_KEY must be at least 50"),
        ("DJANGO_ALLOWED_HOSTS", None, "DJANGO_ALLOWED_HOSTS must be set"),
        ("DATABASE_URL", None, "DATABASE_URL must be set"),
        ("DATABASE_URL", "sqlite:///db.sqlite3", "DATABASE_URL must point at PostgreSQL"),
        ("DATABASE_URL", "nonsense://x", "DATABASE_URL is not a usable database URL"),
        (
            "DATABASE_OWNER_URL",
            "postgres://survey_owner@db.example.org:5432/another",
            "DATABASE_OWNER_URL must name the same database",
        ),
        ("DATABASE_OWNER_URL", "nonsense://x", "DATABASE_OWNER_URL is not a usable database"),
        ("DJANGO_DEBUG", "perhaps", "DJANGO_DEBUG must be true or false"),
        ("DISCLOSURE_THRESHOLD", "ten", "DISCLOSURE_THRESHOLD must be a whole number"),
        ("DISCLOSURE_THRESHOLD", "2", "DISCLOSURE_THRESHOLD must be at least 5"),
        (
            "QUICK_EXIT_URL",
            "javascript:alert(1)",
            "QUICK_EXIT_URL must be an absolute http(s) URL",
        ),
        ("PRIVACY_CONTACT", "the data protection officer", "PRIVACY_CONTACT must be an e-mail"),
        ("ACCESSIBILITY_CONTACT", "ring us", "ACCESSIBILITY_CONTACT must be an e-mail"),
        ("PRIVACY_LAWFUL_BASIS", "consent", "PRIVACY_LAWFUL_BASIS must be public_task or"),
        ("RETENTION_MONTHS", "0", "RETENTION_MONTHS must be at least 1"),
    ],
)
def test_bad_or_missing_setting_stops_start_up_naming_it(variable, value, message):
    result = _start(**{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_accessibility_problems_go_to_the_privacy_contact_unless_told_otherwise():
    code = (
        "import django; django.setup(); from django.conf import settings;"
        " print(settings.ACCESSIBILITY_CONTACT)"
    )
    assert _run(code).stdout.strip() == "dpo@example.ac.uk"
    assert _run(code, ACCESSIBILITY_CONTACT="access@example.ac.uk").stdout.strip() == (
        "access@example.ac.uk"
    )


def test_debug_is_off_unless_asked_for():
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = _run(code, DJANGO_DEBUG=None)
    assert result.stdout.strip() == "False", result.stderr


def test_deploy_checks_pass_with_production_settings():
    result = _run(None, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "owner_url", [None, "postgres://survey:other-password@db.example.org:5432/soteria"]
)
def test_deploy_checks_warn_when_the_app_role_owns_the_tables(owner_url):
    result = _run(None, "manage.py", "check", "--deploy", DATABASE_OWNER_URL=owner_url)
    assert "soteria.W001" in result.stderr + result.stdout
    assert "could erase the audit log" in result.stderr + result.stdout


@pytest.mark.django_db
def test_database_sessions_time_out_and_compile_no_queries():
    """A stuck statement gives up after 30 seconds; JIT compilation is off, or counting
    a few queued responses would take PostgreSQL a compilation's 0.3 s (settings.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout'), current_setting('jit')")
        assert cursor.fetchone() == ("30s", "off")
