"""The app's database role cannot erase or rewrite the audit log, nor alter, truncate or
drop anything; the commands that need the owner role switch to it and back.

The tests connect as DATABASE_URL's role, as the web app does; `make test` provides
both roles (scripts/database.py)."""

import uuid
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from surveys.database_roles import separate_roles
from surveys.models import AuditEntry, SurveyResponse

INSUFFICIENT_PRIVILEGE = "42501"
REFUSED = [
    "TRUNCATE surveys_auditentry",
    "DELETE FROM surveys_auditentry",
    "UPDATE surveys_auditentry SET action = 'nothing happened'",
    "ALTER TABLE surveys_auditentry DISABLE TRIGGER surveys_auditentry_append_only",
    "ALTER TABLE surveys_auditentry ADD COLUMN note text",
    "DROP TRIGGER surveys_auditentry_append_only ON surveys_auditentry",
    "CREATE OR REPLACE FUNCTION surveys_audit_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
    "DROP TABLE surveys_auditentry",
    "TRUNCATE surveys_response",
    "ALTER TABLE surveys_response DROP COLUMN free_text",
    "DROP TABLE surveys_response",
    "CLUSTER surveys_response USING surveys_response_pkey",
]


def _current_user():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def test_the_tests_run_as_the_apps_role_apart_from_the_owner():
    assert separate_roles(), "DATABASE_OWNER_URL must name a role of its own: use make test"


@pytest.mark.django_db
@pytest.mark.parametrize("statement", REFUSED)
def test_the_apps_role_may_not(statement):
    assert _current_user() == settings.DATABASE_APP_ROLE
    AuditEntry.objects.create(action="view results", filters={})
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as c:
        c.execute(statement)
    # Refused for want of the privilege, not stopped by the trigger: the role is the guard.
    assert refused.value.__cause__.sqlstate == INSUFFICIENT_PRIVILEGE, refused.value
    assert AuditEntry.objects.filter(action="view results").count() == 1


@pytest.mark.django_db
def test_the_apps_role_may_write_and_read_the_audit_log():
    entry = AuditEntry.objects.create(action="view results", filters={"force": "kent"})
    assert AuditEntry.objects.get(pk=entry.pk).filters == {"force": "kent"}


@pytest.mark.django_db
def test_the_apps_role_cannot_take_the_owners_role():
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as c:
        c.execute(f"SET ROLE {settings.DATABASE_OWNER['USER']}")
    assert refused.value.__cause__.sqlstate == INSUFFICIENT_PRIVILEGE


@pytest.mark.django_db(transaction=True)
def test_migrate_takes_back_a_privilege_granted_by_hand(reference_data):
    """Each migrate grants the app's role exactly its privileges, no more."""
    call_command("reorder_responses")  # runs as the owner: CLUSTER needs it
    assert _current_user() == settings.DATABASE_APP_ROLE  # and hands the connection back
    owner_connection = connection.copy()
    owner_connection.settings_dict.update(settings.DATABASE_OWNER)
    with owner_connection.cursor() as cursor:
        cursor.execute(f"GRANT TRUNCATE ON surveys_auditentry TO {settings.DATABASE_APP_ROLE}")
    owner_connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_table_privilege('surveys_auditentry', 'TRUNCATE')")
        assert cursor.fetchone() == (True,)
    call_command("migrate", verbosity=0)
    assert _current_user() == settings.DATABASE_APP_ROLE
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege('surveys_auditentry', priv) FROM unnest("
            "ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER']) AS priv"
        )
        assert [row[0] for row in cursor] == [True, True, False, False, False, False]


@pytest.mark.django_db(transaction=True)
def test_reordering_lays_responses_out_by_their_random_id(reference_data):
    """Rows lie in the order they were written until reorder_responses rewrites them by
    their random id: not by arrival, and not by the secret record key."""
    ids = [uuid.uuid4() for _ in range(60)]
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            id=id_, questionnaire_version="1", reported=True, submitted_month=date(2026, 1, 1)
        )
        for id_ in ids
    )

    def on_disk():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, record_key FROM surveys_response ORDER BY ctid")
            return cursor.fetchall()

    assert [row[0] for row in on_disk()] == ids
    call_command("reorder_responses")
    rows = on_disk()
    assert [row[0] for row in rows] == sorted(ids)
    keys = [row[1] for row in rows]
    assert keys != sorted(keys)
