"""Submitting: once per token, and never lost to a database failure."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection
from django.urls import reverse

from surveys import tokens
from surveys.models import SubmissionReceipt, SurveyResponse
from tests.faults import cut_database_connection
from tests.survey_data import posted_answers, stored_answers, submission, token_issued

SURVEY = reverse("surveys:survey")


@pytest.mark.django_db
def test_double_click_stores_one_response_and_shows_the_same_thank_you(client, token):
    data = submission(token)
    first = client.post(SURVEY, data)
    second = client.post(SURVEY, data)

    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"] == reverse("surveys:thank_you")
    assert SurveyResponse.objects.count() == 1
    assert SubmissionReceipt.objects.count() == 1


@pytest.mark.django_db
def test_each_token_stores_its_own_response(client):
    client.post(SURVEY, submission(tokens.issue()))
    client.post(SURVEY, submission(tokens.issue()))
    assert SurveyResponse.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("bad_token", ["", "forged", "abc:def:ghi"])
def test_forged_or_missing_token_stores_nothing_and_keeps_the_answers(client, bad_token):
    page = client.post(SURVEY, submission(bad_token))
    html = page.content.decode()

    assert page.status_code == 400
    assert "Your answers have not been sent yet" in html
    assert page.context["form"]["believed"].value() == "always"
    new_token = page.context["form"]["token"].value()
    assert tokens.nonce_from(new_token) is not None
    assert SurveyResponse.objects.count() == 0
    # Sending again from that page works.
    assert client.post(SURVEY, submission(new_token)).status_code == 303
    assert SurveyResponse.objects.count() == 1


@pytest.mark.django_db
def test_a_token_past_its_maximum_age_stores_nothing_and_keeps_the_answers(client):
    """A form can be sent for 60 days after it was opened (README)."""
    sixty_days, minute = timedelta(days=60), timedelta(minutes=1)
    stale = client.post(SURVEY, submission(token_issued(sixty_days + minute)))

    assert stale.status_code == 400
    assert "Your answers have not been sent yet" in stale.content.decode()
    assert stale.context["form"]["believed"].value() == "always"
    assert tokens.nonce_from(stale.context["form"]["token"].value()) is not None
    assert not SurveyResponse.objects.exists()
    # A tab left open for almost as long still sends.
    almost_stale = submission(token_issued(sixty_days - minute))
    assert client.post(SURVEY, almost_stale).status_code == 303
    assert SurveyResponse.objects.count() == 1


def test_each_token_carries_192_random_bits():
    """Two forms whose nonces collided would be taken for one form sent twice, and the
    second respondent's answers dropped: 192 bits make that never happen."""
    nonces = {tokens.nonce_from(tokens.issue()) for _ in range(1000)}
    assert len(nonces) == 1000
    assert {len(nonce) for nonce in nonces} == {32}  # 24 bytes in URL-safe base64


@pytest.mark.django_db
def test_receipt_is_not_linked_to_the_response(client, token):
    client.post(SURVEY, submission(token))
    receipt_columns = {f.column for f in SubmissionReceipt._meta.concrete_fields}
    assert receipt_columns == {"nonce", "month"}


def test_database_failure_keeps_the_answers_and_the_retry_stores_once(
    client, token, reference_data
):
    data = submission(token)
    client.get(reverse("surveys:start"))
    cut_database_connection()

    page = client.post(SURVEY, data)
    html = page.content.decode()

    assert page.status_code == 503
    assert "your answers have not been saved yet" in html
    assert page.context["form"]["believed"].value() == "always"
    assert page.context["form"]["token"].value() == token
    assert "The officer listened to me." in html

    # The database is back (the WSGI handler closes a broken connection after each
    # request; the test client does not, so do what it would).
    connection.close()
    retry = client.post(SURVEY, data)
    again = client.post(SURVEY, data)
    assert retry.status_code == again.status_code == 303
    assert SurveyResponse.objects.count() == 1
    assert stored_answers(SurveyResponse.objects.get()) == posted_answers(data)


@pytest.mark.django_db
def test_a_submission_writes_only_to_indexes_that_something_reads():
    """Every index on the tables a submission writes costs every submission. Each of
    these has a reader (surveys.models says which); a new one needs one too."""
    written = [
        "surveys_submissionreceipt",
        "surveys_response",
        "surveys_untalliedresponse",
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1", [written]
        )
        indexes = [name for (name,) in cursor.fetchall()]
    assert indexes == [
        "response_force_month",  # one force's responses, by month
        "response_free_text",  # the free text on the results page
        "response_month",  # every force's, by month; purging whole months
        "surveys_response_pkey",
        "surveys_submissionreceipt_pkey",
        "surveys_untalliedresponse_pkey",
    ]


@pytest.mark.django_db
def test_the_submission_statement_is_prepared_once_per_connection(client):
    """Parsing and planning the statement costs PostgreSQL more than storing a bare row,
    so a connection prepares it once; nothing else is prepared (settings.py)."""
    for _ in range(3):
        assert client.post(SURVEY, submission(tokens.issue())).status_code == 303
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert len(prepared) == 1
    assert 'INSERT INTO "surveys_submissionreceipt"' in prepared[0]
    assert SurveyResponse.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("choices", [["believed", "always"], "always", 3])
def test_the_database_keeps_choices_by_question(choices):
    with pytest.raises(IntegrityError, match="response_choices_by_question"):
        SurveyResponse.objects.create(
            questionnaire_version="1",
            reported=False,
            submitted_month=date(2026, 1, 1),
            choices=choices,
        )
