"""Breakdowns by an "about you" answer are exact whether a month's counts are kept
(refresh_breakdowns), out of date, or missing: checked against a count made here in
Python from the stored answers."""

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from surveys import breakdowns, months, tokens
from surveys.breakdowns import BY_QUESTION, counts_by_answer
from surveys.models import BreakdownMonth, BreakdownTally, Response
from surveys.questionnaire import QUESTIONNAIRE, Kind
from surveys.results import ALL_TIME, Filters, Period
from tests.survey_data import submission

pytestmark = pytest.mark.django_db


def _expected(by, force=None, reported=None, period=None):
    """Count (group, question, choice) the slow, obvious way."""
    responses = Response.objects.all()
    if force:
        responses = responses.filter(force=force)
    if reported is not None:
        responses = responses.filter(reported=reported)
    if period and period.start:
        responses = responses.filter(
            submitted_month__gte=period.start, submitted_month__lt=period.end
        )
    counts = Counter()
    for response in responses:
        answers = [(q, c) for q, chosen in response.choices.items() for c in chosen]
        for group in [choice for question, choice in answers if question == by]:
            for question in {question for question, choice in answers if choice}:
                counts[(group, question, "")] += 1
            for question, choice in answers:
                if choice:
                    counts[(group, question, choice)] += 1
    return counts


def _check_all(by="ethnicity"):
    this_month = date.today().replace(day=1)
    cases = [
        (None, None, Period.parse(ALL_TIME)),
        (None, True, Period.parse(ALL_TIME)),
        (None, False, Period.parse(f"{this_month:%Y-%m}")),
        (None, None, Period.parse(f"{months.shift(this_month, -3):%Y-%m}")),
        ("kent", None, Period.parse(ALL_TIME)),
    ]
    for force, reported, period in cases:
        got = counts_by_answer(Filters(force, period, reported, by), by)
        assert +got == _expected(by, force, reported, period), (force, reported, period)


def test_counts_are_exact_with_no_kept_counts_kept_counts_and_a_mix():
    call_command("seed_responses", count=400, seed=11)
    assert len(breakdowns.stale_months()) > 3
    _check_all()  # nothing kept: every month counted from the answers

    call_command("refresh_breakdowns")
    assert breakdowns.stale_months() == []
    assert BreakdownTally.objects.exists()
    for by in BY_QUESTION:
        _check_all(by)  # everything from the kept counts (and Kent's from the answers)

    # New answers this month: that month is counted directly until the next refresh.
    for _ in range(3):
        Response.objects.record(
            nonce=tokens.nonce_from(tokens.issue()),
            version=QUESTIONNAIRE.version,
            answers={"reported": "no", "ethnicity": "mixed", "sex": "female"},
        )
    assert breakdowns.stale_months() == [date.today().replace(day=1)]
    _check_all()


def test_multiple_choice_questions_count_each_respondent_once(client):
    data = submission(tokens.issue(), how_reported=["phone", "online", "in_person"])
    client.post(reverse("surveys:survey"), data)
    call_command("refresh_breakdowns")
    counts = counts_by_answer(Filters(None, Period.parse(ALL_TIME), None, "sex"), "sex")
    assert QUESTIONNAIRE.questions["how_reported"].kind is Kind.MULTIPLE
    assert counts[("female", "how_reported", "")] == 1
    assert counts[("female", "how_reported", "phone")] == 1
    assert counts[("female", "believed", "")] == 1


def test_refresh_counts_only_months_that_changed(capsys):
    call_command("seed_responses", count=60, seed=3)
    call_command("refresh_breakdowns")
    first = capsys.readouterr().out
    assert "month(s) refreshed" in first
    call_command("refresh_breakdowns")
    assert "0 month(s) refreshed." in capsys.readouterr().out
    kept = dict(BreakdownMonth.objects.values_list("month", "responses"))
    assert sum(kept.values()) == 60


def test_purge_removes_kept_breakdowns_of_purged_months():
    call_command("seed_responses", count=200, seed=5)
    call_command("refresh_breakdowns")
    cutoff = months.shift(date.today().replace(day=1), -6)
    assert BreakdownMonth.objects.filter(month__lt=cutoff).exists()
    call_command("purge_responses", older_than_months=6)
    assert not BreakdownTally.objects.filter(month__lt=cutoff).exists()
    assert not BreakdownMonth.objects.filter(month__lt=cutoff).exists()
    assert breakdowns.stale_months() == []
