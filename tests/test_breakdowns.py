"""Breakdowns by an "about you" answer are exact, counts and cell keys alike, whether
they come from the counts kept when a month is published (nationally) or are counted
from the answers (one force): checked against a count made here in Python from the
stored answers. Months not yet published are never in them."""

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from surveys import months, tokens
from surveys.breakdowns import counts_by_answer
from surveys.filters import ALL_TIME, BY_QUESTION, Filters, Period
from surveys.models import RECORD_KEYS, BreakdownTally, PublishedMonth, SurveyResponse
from surveys.publication import publish_due
from surveys.questionnaire import QUESTIONNAIRE, Kind
from tests.survey_data import submission

pytestmark = pytest.mark.django_db


def _expected(by, force=None, reported=None, period=None):
    """(group, question, choice) -> (responses, cell key), the slow, obvious way, from
    the published months' responses."""
    responses = SurveyResponse.objects.filter(
        submitted_month__in=PublishedMonth.objects.values("month")
    )
    if force:
        responses = responses.filter(force=force)
    if reported is not None:
        responses = responses.filter(reported=reported)
    if period and period.start:
        responses = responses.filter(
            submitted_month__gte=period.start, submitted_month__lt=period.end
        )
    counts, keys = Counter(), Counter()
    for response in responses:
        answers = [(q, c) for q, chosen in response.choices.items() for c in chosen]
        for group in [choice for question, choice in answers if question == by]:
            cells = {(group, question, "") for question, _choice in answers}
            cells |= {(group, question, choice) for question, choice in answers}
            for cell in cells:
                counts[cell] += 1
                keys[cell] += response.record_key
    return {cell: (n, keys[cell] % RECORD_KEYS) for cell, n in counts.items()}


def _got(by, force, reported, period):
    counts = counts_by_answer(Filters(force, period, reported, by), by)
    return {cell: tuple(count) for cell, count in counts.items() if count.n}


def _check_all(by="ethnicity"):
    last = PublishedMonth.objects.last().month
    cases = [
        (None, None, Period.parse(ALL_TIME)),
        (None, True, Period.parse(ALL_TIME)),
        (None, False, Period.parse(f"{last:%Y-%m}")),
        (None, None, Period.parse(f"{months.shift(last, -3):%Y-%m}")),
        ("kent", None, Period.parse(ALL_TIME)),
    ]
    for force, reported, period in cases:
        assert _got(by, force, reported, period) == _expected(by, force, reported, period), (
            force,
            reported,
            period,
        )


def _record(**answers):
    SurveyResponse.objects.record(
        nonce=tokens.nonce_from(tokens.issue()), version=QUESTIONNAIRE.version, answers=answers
    )


def test_counts_and_cell_keys_are_exact_nationally_and_for_one_force():
    call_command("seed_responses", count=400, seed=11)
    publish_due()
    assert BreakdownTally.objects.exists()
    for by in BY_QUESTION:
        _check_all(by)  # nationally from the kept counts, Kent's from the answers

    # New answers this month change nothing until the month is published.
    before = _got("ethnicity", None, None, Period.parse(ALL_TIME))
    for _ in range(3):
        _record(reported="no", ethnicity="mixed", sex="female")
    assert _got("ethnicity", None, None, Period.parse(ALL_TIME)) == before
    _check_all()


def test_multiple_choice_questions_count_each_respondent_once(client):
    data = submission(tokens.issue(), how_reported=["phone", "online", "in_person"])
    client.post(reverse("surveys:survey"), data)
    publish_due(months.shift(date.today(), 2))
    counts = counts_by_answer(Filters(None, Period.parse(ALL_TIME), None, "sex"), "sex")
    assert QUESTIONNAIRE.questions["how_reported"].kind is Kind.MULTIPLE
    assert counts[("female", "how_reported", "")].n == 1
    assert counts[("female", "how_reported", "phone")].n == 1
    assert counts[("female", "believed", "")].n == 1


def test_purge_removes_kept_breakdowns_and_publication_of_purged_months():
    call_command("seed_responses", count=200, seed=5)
    publish_due()
    cutoff = months.shift(date.today().replace(day=1), -6)
    assert BreakdownTally.objects.filter(month__lt=cutoff).exists()
    call_command("purge_responses", older_than_months=6)
    assert not BreakdownTally.objects.filter(month__lt=cutoff).exists()
    assert not PublishedMonth.objects.filter(month__lt=cutoff).exists()
    _check_all()
