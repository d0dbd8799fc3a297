"""AnswerTally against a recount of the stored answers, for tests that check the two
agree."""

from collections import Counter

from surveys.models import ANSWERED_APART, RECORD_KEYS, AnswerTally, SurveyResponse


def _rows(response):
    """The tally keys one response counts in: a row for the response, one per choice
    chosen, and one per question answered of those counted apart."""
    group = (response.submitted_month, response.force_id or "", response.reported)
    yield (*group, "", "")
    for question, answer in response.answers():
        if question.key in ANSWERED_APART:
            yield (*group, question.key, "")
        if isinstance(answer, list):
            yield from ((*group, question.key, choice) for choice in answer)


def recount():
    """Tally key -> responses, counted afresh in Python from every response."""
    return dict(
        Counter(key for response in SurveyResponse.objects.all() for key in _rows(response))
    )


def recount_keys():
    """Tally key -> cell key: the sum of its responses' record keys, afresh in Python."""
    keys = Counter()
    for response in SurveyResponse.objects.all():
        for key in _rows(response):
            keys[key] += response.record_key
    return {key: total % RECORD_KEYS for key, total in keys.items()}


def tallies(field="response_count"):
    """Tally key -> response count (or another field), as kept, once the queued
    responses are counted in."""
    AnswerTally.objects.catch_up()
    return {
        (t.month, t.force, t.reported, t.question, t.choice): getattr(t, field)
        for t in AnswerTally.objects.all()
    }
