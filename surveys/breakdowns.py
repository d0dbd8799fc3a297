"""Counts for results broken down by an "about you" answer: how respondents in each group
(say, each ethnic group) answered every other question.

These cannot come from AnswerTally, which counts each answer on its own. For one force
they are counted from the responses' answers when asked (a few hundred thousand at
most). Nationally that would mean tens of millions, so each month's counts are kept in
BreakdownTally, counted once when the month is published (surveys.publication). Either
way the figures are exact, with their cell keys; disclosure control comes after
(surveys.results).
"""

from datetime import date

from django.db.models import QuerySet

from surveys import sql
from surveys.filters import BY_QUESTION, Filters
from surveys.models import (
    RECORD_KEYS,
    BreakdownTally,
    Count,
    Counts,
    SurveyResponse,
    with_answered,
)
from surveys.questionnaire import QUESTIONNAIRE, Kind

_MULTIPLE = [key for key, q in QUESTIONNAIRE.questions.items() if q.kind is Kind.MULTIPLE]


def counts_by_answer(filters: Filters, question: str) -> Counts:
    """(group, question, choice) -> Count under the filters, grouped by their answer to
    ``question``; choice "" counts those who answered the question."""
    if filters.force:
        counts = _count(SurveyResponse.objects.matching(filters), question)
    else:
        counts = _national(filters, question)
    return with_answered(counts)


def _national(filters: Filters, question: str) -> Counts:
    kept = BreakdownTally.objects.matching(filters).filter(by_question=question)
    return kept.counted("by_choice", "question", "choice")


def _count(responses: QuerySet[SurveyResponse], question: str) -> Counts:
    return {
        (group, asked, chosen): Count(n, key % RECORD_KEYS)
        for group, asked, chosen, n, key in sql.cross_tab(responses, [question], _MULTIPLE)
    }


def refresh(month: date) -> None:
    """Count one month's breakdowns afresh (a few seconds per 40,000 responses), inside
    the caller's transaction (surveys.publication)."""
    sql.delete(BreakdownTally.objects.filter(month=month))
    sql.count_breakdowns(
        SurveyResponse.objects.filter(submitted_month=month), BY_QUESTION, _MULTIPLE, RECORD_KEYS
    )
