"""AnswerTally, the maintained counts behind the results, always equals a recount of the
stored answers once the queued responses are counted in: after single submissions, after
seeding, and under concurrency."""

import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connections
from django.urls import reverse

from surveys import tokens
from surveys.models import (
    RECORD_KEYS,
    AnswerTally,
    Count,
    SurveyResponse,
    UntalliedResponse,
    with_answered,
)
from surveys.questionnaire import QUESTIONNAIRE
from tests.survey_data import submission
from tests.tallies import recount, recount_keys, tallies

SURVEY = reverse("surveys:survey")
# Bounds, not expectations: a submission, or a concurrency test as a whole, taking longer
# than this has hung, and fails saying so rather than holding up the run.
REQUEST_TIMEOUT = 30
CONCURRENCY_DEADLINE = 120


@pytest.mark.django_db
def test_submissions_and_seeding_keep_the_tallies_exact(client):
    client.post(SURVEY, submission(tokens.issue()))
    client.post(SURVEY, submission(tokens.issue(), reported="no"))
    client.post(SURVEY, submission(tokens.issue(), force="prefer_not", believed=None))
    call_command("seed_responses", count=400, seed=11)

    kept = tallies()
    assert kept == recount()
    assert sum(count for key, count in kept.items() if key[3:] == ("", "")) == 403
    assert tallies("cell_key") == recount_keys()


@pytest.mark.django_db
def test_a_question_answered_with_several_choices_counts_the_response_once(client, token):
    client.post(SURVEY, submission(token))
    kept = tallies()
    month = SurveyResponse.objects.get().submitted_month
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
    # ...as that is the sum of its choices' rows, which with_answered adds up, cell
    # keys included.
    answered = with_answered({key: Count(n, 0) for key, n in kept.items()})
    assert sum(c.n for key, c in answered.items() if key[3:] == ("believed", "")) == 2
    assert sum(c.n for key, c in answered.items() if key[3:] == ("", "")) == 3
    keys = [r.record_key for r in SurveyResponse.objects.filter(choices__has_key="believed")]
    cells = tallies("cell_key")
    keyed = with_answered({key: Count(n, cells[key]) for key, n in kept.items()})
    cell = next(c for key, c in keyed.items() if key[3:] == ("believed", ""))
    assert cell == Count(2, sum(keys) % RECORD_KEYS)


@pytest.mark.django_db
def test_a_blank_answer_is_no_answer_in_the_tallies_either():
    answers = {"reported": "yes_myself", "how_reported": [], "free_text": ""}
    SurveyResponse.objects.record(nonce="blank", version=QUESTIONNAIRE.version, answers=answers)
    assert tallies() == recount()
    assert {key[3] for key in tallies()} == {"", "reported"}


def _submitter(live_server):
    """A function that posts a complete submission, with a fresh token, to the live
    server (over HTTP: a connection of its own) and returns the final status."""

    def post(_):
        data = urllib.parse.urlencode(submission(tokens.issue()), doseq=True).encode()
        request = urllib.request.Request(live_server.url + SURVEY, data=data)
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            return response.status

    return post


@pytest.mark.timeout(2 * CONCURRENCY_DEADLINE)
def test_concurrent_submissions_are_all_counted(live_server, reference_data):
    """Eight threads submit at once against the live server (own connections each)."""

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            submitted = pool.map(_submitter(live_server), range(40), timeout=CONCURRENCY_DEADLINE)
            statuses = list(submitted)
    finally:
        connections.close_all()
    assert statuses == [200] * 40  # after following the 303 to the thank-you page
    assert SurveyResponse.objects.count() == 40
    assert tallies() == recount()


@pytest.mark.django_db
def test_a_submission_is_queued_and_counted_in_once(client):
    client.post(SURVEY, submission(tokens.issue()))
    client.post(SURVEY, submission(tokens.issue(), reported="no"))
    assert UntalliedResponse.objects.count() == 2
    assert not AnswerTally.objects.exists()  # nothing counted yet

    assert AnswerTally.objects.catch_up() == 2
    assert not UntalliedResponse.objects.exists()
    counted = tallies()
    assert counted == recount()
    assert AnswerTally.objects.catch_up() == 0  # counted once: nothing changes
    assert tallies() == counted


@pytest.mark.django_db
def test_tally_responses_counts_the_queue(client, capsys):
    client.post(SURVEY, submission(tokens.issue()))
    call_command("tally_responses")
    assert "Counted 1 queued response(s)" in capsys.readouterr().out
    assert not UntalliedResponse.objects.exists()
    call_command("tally_responses")
    assert "Counted 0 queued response(s)" in capsys.readouterr().out


@pytest.mark.timeout(2 * CONCURRENCY_DEADLINE)
def test_counting_in_while_submissions_arrive_counts_each_once(live_server, reference_data):
    """Eight threads submit while two others keep counting the queue in, each on its own
    connection: every response is counted exactly once.

    The counters stop once every submission has returned, failed or not, and the queue
    is empty; a queue that never empties fails the test at the deadline."""
    submitted = 40
    finished = threading.Event()
    deadline = time.monotonic() + CONCURRENCY_DEADLINE

    def count_in(_):
        counted = 0
        try:
            while not finished.is_set() or UntalliedResponse.objects.exists():
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"{UntalliedResponse.objects.count()} response(s) still queued "
                        f"{CONCURRENCY_DEADLINE} s after the submissions began"
                    )
                counted += AnswerTally.objects.catch_up()
        finally:
            connections.close_all()
        return counted

    try:
        with ThreadPoolExecutor(max_workers=10) as pool:
            counters = [pool.submit(count_in, n) for n in range(2)]
            try:
                sent = pool.map(
                    _submitter(live_server), range(submitted), timeout=CONCURRENCY_DEADLINE
                )
                statuses = list(sent)
            finally:
                finished.set()
            counted = sum(counter.result() for counter in counters)
    finally:
        connections.close_all()
    assert statuses == [200] * submitted
    assert counted == submitted
    assert tallies() == recount()
    assert tallies()[(SurveyResponse.objects.first().submitted_month, "kent", True, "", "")] == 40
