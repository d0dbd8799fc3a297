"""Migrations that move respondents' data keep every answer, both ways."""

import json
import uuid
from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from surveys.database_roles import as_owner, grant_app_role

ANSWER_TABLE = ("surveys", "0014_receipt_nonce_pattern_unindexed")
ANSWERS_IN_RESPONSE = ("surveys", "0015_response_holds_its_answers")

FULL = uuid.uuid4()
EMPTY = uuid.uuid4()
TEXT_ONLY = uuid.uuid4()
# (response, question, choice, text), as the answer table held them.
ANSWER_ROWS = {
    (FULL, "reported", "yes_myself", ""),
    (FULL, "force", "kent", ""),
    (FULL, "how_reported", "phone", ""),
    (FULL, "how_reported", "online", ""),
    (FULL, "free_text", "", 'Kind, "patient" officers.\nThank you — é ✓'),
    (TEXT_ONLY, "free_text", "", "Only this."),
}


def _migrate(target):
    """Migrate as deployments do: as the owner role, then granting the app's role."""
    with as_owner():
        executor = MigrationExecutor(connection)
        executor.migrate([target] if target else executor.loader.graph.leaf_nodes())
        grant_app_role(connection)


def _fetch(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_answers_move_into_their_response_and_back_again(reference_data):
    try:
        _migrate(ANSWER_TABLE)
        with connection.cursor() as cursor:
            for response in (FULL, EMPTY, TEXT_ONLY):
                cursor.execute(
                    "INSERT INTO surveys_response (id, questionnaire_version, force_id, "
                    "reported, submitted_month) VALUES (%s, '1', 'kent', true, %s)",
                    [response, date(2026, 1, 1)],
                )
            for row in ANSWER_ROWS:
                cursor.execute(
                    "INSERT INTO surveys_answer (response_id, question, choice, text) "
                    "VALUES (%s, %s, %s, %s)",
                    row,
                )

        # As Django made them for the answer model, after migrating.
        answer_type = ContentType.objects.create(app_label="surveys", model="answer")
        Permission.objects.create(
            codename="view_answer", name="Can view answer", content_type=answer_type
        )

        _migrate(ANSWERS_IN_RESPONSE)
        stored = _fetch("SELECT id, choices, free_text FROM surveys_response")
        assert {response: (json.loads(choices), text) for response, choices, text in stored} == {
            FULL: (
                {
                    "reported": ["yes_myself"],
                    "force": ["kent"],
                    "how_reported": ["online", "phone"],
                },
                'Kind, "patient" officers.\nThank you — é ✓',
            ),
            EMPTY: ({}, ""),
            TEXT_ONLY: ({}, "Only this."),
        }
        # The function the tally and breakdowns count with gives the old rows back.
        given = _fetch(
            "SELECT r.id, c.question, c.choice FROM surveys_response r "
            "CROSS JOIN LATERAL surveys_choices(r.choices) c"
        )
        assert sorted(given) == sorted((r, q, c) for r, q, c, _t in ANSWER_ROWS if c)
        assert not ContentType.objects.filter(app_label="surveys", model="answer").exists()
        assert not Permission.objects.filter(codename="view_answer").exists()

        _migrate(ANSWER_TABLE)
        answers = _fetch("SELECT response_id, question, choice, text FROM surveys_answer")
        assert set(answers) == ANSWER_ROWS
    finally:
        _migrate(None)


@pytest.mark.django_db(transaction=True)
def test_moving_many_answers_is_not_cut_short_by_the_statement_timeout(reference_data):
    # The web's timeout is 30 seconds, which a million responses' answers outlast; here
    # a tenth of a second, which 200,000 answers outlast.
    try:
        _migrate(ANSWER_TABLE)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO surveys_response (id, questionnaire_version, force_id, reported, "
                "submitted_month) SELECT gen_random_uuid(), '1', NULL, false, '2026-01-01' "
                "FROM generate_series(1, 10000)"
            )
            cursor.execute(
                "INSERT INTO surveys_answer (response_id, question, choice, text) "
                "SELECT id, 'q' || n, 'c', '' FROM surveys_response, generate_series(1, 20) n"
            )
            cursor.execute("SET statement_timeout = '100ms'")
        _migrate(ANSWERS_IN_RESPONSE)
        given = "SELECT count(*) FROM surveys_response WHERE choices->'q20' = '[\"c\"]'"
        assert _fetch(given) == [(10_000,)]
        _migrate(ANSWER_TABLE)
        assert _fetch("SELECT count(*) FROM surveys_answer") == [(200_000,)]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
        _migrate(None)


DISCLOSURE_KEYS = ("surveys", "0016_disclosure_keys_and_published_months")


@pytest.mark.django_db(transaction=True)
def test_existing_responses_get_random_record_keys_and_tallies_their_cell_keys(
    reference_data,
):
    try:
        _migrate(ANSWERS_IN_RESPONSE)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO surveys_response (id, questionnaire_version, force_id, reported, "
                "submitted_month, choices, free_text) SELECT gen_random_uuid(), '1', 'kent', "
                "true, '2026-01-01', '{\"believed\": [\"never\"]}', '' "
                "FROM generate_series(1, 2000)"
            )
            cursor.execute(
                "INSERT INTO surveys_answertally (month, force, reported, question, choice, "
                "responses) VALUES ('2026-01-01', 'kent', true, '', '', 2000), "
                "('2026-01-01', 'kent', true, 'believed', 'never', 2000)"
            )
        _migrate(DISCLOSURE_KEYS)
        keys = [key for (key,) in _fetch("SELECT record_key FROM surveys_response")]
        assert min(keys) >= 0
        assert max(keys) < 256
        assert len(set(keys)) > 200  # random, not one value for every row
        cells = dict(_fetch("SELECT choice, cell_key FROM surveys_answertally"))
        assert cells == {"": sum(keys) % 256, "never": sum(keys) % 256}
        assert _fetch("SELECT count(*) FROM surveys_publishedmonth") == [(0,)]
    finally:
        _migrate(None)


BEFORE_RENAME = ("surveys", "0021_tally_response_count")


@pytest.mark.django_db(transaction=True)
def test_renaming_the_response_model_keeps_the_research_groups_access(reference_data):
    try:
        _migrate(BEFORE_RENAME)
        # As a deployment made before the rename has it: the model's own permission,
        # named after the model, held by the research group. (Its content type is
        # renamed by Django's migrate command, which this executor does not run.)
        group = Group.objects.create(name="Researchers before the rename")
        group.permissions.add(Permission.objects.get(codename="view_response"))
        _migrate(None)
        assert set(group.permissions.values_list("codename", flat=True)) == {"view_surveyresponse"}
        assert _fetch("SELECT count(*) FROM surveys_response") == [(0,)]  # the same table
    finally:
        _migrate(None)
