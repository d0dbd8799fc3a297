"""AnswerTally, the maintained counts behind the results, always equals a recount of the
stored answers: after single submissions, after seeding, and under concurrency."""

import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connections
from django.urls import reverse

from surveys import tokens
from surveys.models import Response, with_answered
from surveys.questionnaire import QUESTIONNAIRE
from tests.survey_data import submission
from tests.tallies import recount, tallies

SURVEY = reverse("surveys:survey")


@pytest.mark.django_db
def test_submissions_and_seeding_keep_the_tallies_exact(client):
    client.post(SURVEY, submission(tokens.issue()))
    client.post(SURVEY, submission(tokens.issue(), reported="no"))
    client.post(SURVEY, submission(tokens.issue(), force="prefer_not", believed=None))
    call_command("seed_responses", count=400, seed=11)

    kept = tallies()
    assert kept == recount()
    assert sum(count for key, count in kept.items() if key[3:] == ("", "")) == 403


@pytest.mark.django_db
def test_a_question_answered_with_several_choices_counts_the_response_once(client, token):
    client.post(SURVEY, submission(token))
    kept = tallies()
    month = Response.objects.get().submitted_month
    key = (month, "kent", True, "how_reported")
    assert kept[(*key, "")] == 1
    assert kept[(*key, "phone")] == kept[(*key, "online")] == 1


@pytest.mark.django_db
def test_a_single_choice_question_is_counted_through_its_choices(client):
    client.post(SURVEY, submission(tokens.issue()))  # believed: always
    client.post(SURVEY, submission(tokens.issue(), believed="never"))
    client.post(SURVEY, submission(tokens.issue(), believed=None))  # skipped
    kept = tallies()
    # No row of its own for how many answered it...
    assert not any(key[3:] == ("believed", "") for key in kept)
    # ...as that is the sum of its choices' rows, which with_answered adds up.
    answered = with_answered(dict(kept))
    assert sum(n for key, n in answered.items() if key[3:] == ("believed", "")) == 2
    assert sum(n for key, n in answered.items() if key[3:] == ("", "")) == 3


@pytest.mark.django_db
def test_a_blank_answer_is_no_answer_in_the_tallies_either():
    answers = {"reported": "yes_myself", "how_reported": [], "free_text": ""}
    Response.objects.record(nonce="blank", version=QUESTIONNAIRE.version, answers=answers)
    assert tallies() == recount()
    assert {key[3] for key in tallies()} == {"", "reported"}


def test_concurrent_submissions_are_all_counted(live_server, reference_data):
    """Eight threads submit at once against the live server (own connections each)."""

    def post(_):
        data = urllib.parse.urlencode(submission(tokens.issue()), doseq=True).encode()
        request = urllib.request.Request(live_server.url + SURVEY, data=data)
        with urllib.request.urlopen(request) as response:
            return response.status

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(post, range(40)))
    finally:
        connections.close_all()
    assert statuses == [200] * 40  # after following the 303 to the thank-you page
    assert Response.objects.count() == 40
    assert tallies() == recount()
