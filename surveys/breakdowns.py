"""Counts for results broken down by an "about you" answer: how respondents in each group
(say, each ethnic group) answered every other question.

These cannot come from AnswerTally, which counts each answer on its own. For one force
they are counted from the responses' answers when asked (a few hundred thousand at
most). Nationally that would mean tens of millions, so each month's counts are kept in
BreakdownTally, counted once when the month is published (surveys.publication). Either
way the figures are exact, with their cell keys; disclosure control comes after
(surveys.results).
"""

from django.db import connection

from surveys.filters import BY_QUESTION
from surveys.models import RECORD_KEYS, BreakdownTally, Count, Response, with_answered
from surveys.questionnaire import QUESTIONNAIRE, Kind

_MULTIPLE = [key for key, q in QUESTIONNAIRE.questions.items() if q.kind is Kind.MULTIPLE]

# surveys_choices gives each response's choices as (question, choice) rows (migration
# 0015). Each is unique per response, question and choice, so count(*) counts
# responses (no DISTINCT, which would sort millions of rows), and the record keys sum
# into the cell key. A multiple-choice question also gets a row with an empty choice
# counting the group's responses that answered it; for a single-choice question that
# is the sum over its choices (with_answered).
_CROSS_TAB = """
    SELECT {keys} g.question, g.choice, a.question, a.choice, count(*), sum(r.record_key)
    FROM ({responses}) r
    CROSS JOIN LATERAL surveys_choices(r.choices) g
    CROSS JOIN LATERAL surveys_choices(r.choices) a
    WHERE g.question = ANY(%s)
    GROUP BY {keys} g.question, g.choice, a.question, a.choice
    UNION ALL
    SELECT {keys} g.question, g.choice, a.question, '', count(*), sum(r.record_key)
    FROM ({responses}) r
    CROSS JOIN LATERAL surveys_choices(r.choices) g
    CROSS JOIN unnest(%s::text[]) AS a(question)
    WHERE g.question = ANY(%s) AND jsonb_exists(r.choices, a.question)
    GROUP BY {keys} g.question, g.choice, a.question
"""

_REFRESH = """
    INSERT INTO surveys_breakdowntally
        (month, reported, by_question, by_choice, question, choice, response_count,
         cell_key)
    SELECT month, reported, by_question, by_choice, question, choice, n, key %% {keys}
    FROM ({cross_tab}) AS counted (month, reported, by_question, by_choice, question,
                                   choice, n, key)
"""


def counts_by_answer(filters, question):
    """(group, question, choice) -> Count under the filters, grouped by their answer to
    ``question``; choice "" counts those who answered the question."""
    if filters.force:
        counts = _count(Response.objects.matching(filters), question)
    else:
        counts = _national(filters, question)
    return with_answered(counts)


def _national(filters, question):
    kept = BreakdownTally.objects.matching(filters).filter(by_question=question)
    return kept.counted("by_choice", "question", "choice")


def _params(params, question):
    return [*params, [question], *params, _MULTIPLE, [question]]


def _count(responses, question):
    sql, params = (
        responses.order_by().values("id", "choices", "record_key").query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(_CROSS_TAB.format(keys="", responses=sql), _params(params, question))
        return {
            (group, asked, chosen): Count(n, key % RECORD_KEYS)
            for _by, group, asked, chosen, n, key in cursor
        }


def refresh(month):
    """Count one month's breakdowns afresh (a few seconds per 40,000 responses), inside
    the caller's transaction (surveys.publication)."""
    responses = (
        "SELECT id, submitted_month, reported, choices, record_key FROM surveys_response "
        "WHERE submitted_month = %s"
    )
    cross_tab = _CROSS_TAB.format(keys="r.submitted_month, r.reported,", responses=responses)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM surveys_breakdowntally WHERE month = %s", [month])
        cursor.execute(
            _REFRESH.format(cross_tab=cross_tab, keys=RECORD_KEYS),
            [month, BY_QUESTION, month, _MULTIPLE, BY_QUESTION],
        )
