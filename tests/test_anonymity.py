"""Anonymity rules (docs/anonymity.md): no identifiers stored, no cookies set."""

import uuid

import pytest
from django.db import connection, models
from django.urls import reverse

from surveys.models import AnswerTally, Force, SubmissionReceipt, SurveyResponse, UntalliedResponse
from tests.survey_data import submission

SURVEY = reverse("surveys:survey")
pytestmark = pytest.mark.django_db

# Tables that hold what respondents gave. Analyst and AuditEntry are about staff, whose
# sign-ins and views are meant to be recorded.
RESPONDENT_MODELS = [SurveyResponse, AnswerTally, UntalliedResponse, SubmissionReceipt, Force]
RESPONDENT_TABLES = tuple(model._meta.db_table for model in RESPONDENT_MODELS)
ALLOWED_RESPONSE_COLUMNS = {
    "id",
    "questionnaire_version",
    "force_id",
    "reported",
    "submitted_month",
    "choices",
    "free_text",
    # Secret and random, for disclosure control only (docs/disclosure.md).
    "record_key",
}
IDENTIFYING = (
    "ip",
    "addr",
    "agent",
    "referer",
    "referrer",
    "session",
    "cookie",
    "created",
    "time",
)


def test_response_columns_are_exactly_the_allowed_ones():
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, "surveys_response")
        }
    assert columns == ALLOWED_RESPONSE_COLUMNS


def test_no_survey_table_has_an_identifying_or_timestamp_column():
    with connection.cursor() as cursor:
        for model in RESPONDENT_MODELS:
            table = model._meta.db_table
            for column in connection.introspection.get_table_description(cursor, table):
                assert not any(word in column.name.lower() for word in IDENTIFYING), (
                    table,
                    column,
                )
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_name = ANY(%s) AND data_type IN "
            "('timestamp with time zone', 'timestamp without time zone', "
            "'time without time zone', 'inet')",
            [list(RESPONDENT_TABLES)],
        )
        assert cursor.fetchall() == []
    for model in RESPONDENT_MODELS:
        for field in model._meta.concrete_fields:
            assert not isinstance(field, (models.DateTimeField, models.GenericIPAddressField))
            assert not getattr(field, "auto_now", False)
            assert not getattr(field, "auto_now_add", False)


def test_keys_are_random_not_sequences():
    assert isinstance(SurveyResponse._meta.pk, models.UUIDField)
    assert SurveyResponse._meta.pk.default is uuid.uuid4
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = ANY(%s) "
            "AND (column_default LIKE 'nextval%%' OR is_identity = 'YES')",
            [list(RESPONDENT_TABLES)],
        )
        assert cursor.fetchone()[0] == 0


def test_month_is_the_finest_time_stored(client, token):
    client.post(SURVEY, submission(token))
    with connection.cursor() as cursor:
        cursor.execute("SELECT submitted_month FROM surveys_response")
        (month,) = cursor.fetchone()
    assert month.day == 1


def test_the_whole_journey_sets_no_cookie(client, token):
    pages = [
        client.get(reverse("surveys:start")),
        client.get(reverse("surveys:before_you_start")),
        client.get(reverse("surveys:safety")),
        client.get(reverse("surveys:privacy")),
        client.get(reverse("surveys:accessibility")),
        client.get(SURVEY),
        client.post(SURVEY, {"stage": "eligibility"}),
        client.post(SURVEY, {"stage": "eligibility", "age_18_or_over": "yes", "reported": "no"}),
        client.post(SURVEY, submission(token, dignity_respect="bogus")),
        client.post(SURVEY, submission(token)),
        client.post(SURVEY, submission(token)),
        client.get(reverse("surveys:thank_you")),
        client.get(reverse("surveys:exit")),
        client.get("/no-such-page/"),
    ]
    for page in pages:
        assert not page.cookies, page.request["PATH_INFO"]
        assert "Set-Cookie" not in page.headers
    assert not client.cookies


def test_stored_response_holds_nothing_from_the_request(client, token):
    client.post(
        SURVEY,
        submission(token),
        REMOTE_ADDR="198.51.100.77",
        HTTP_USER_AGENT="MarkerAgent/1.0",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
        HTTP_REFERER="https://marker.example/",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT r::text FROM surveys_response r")
        dump = " ".join(row[0] for row in cursor.fetchall())
    for marker in ["198.51.100.77", "MarkerAgent", "203.0.113.99", "marker.example"]:
        assert marker not in dump
