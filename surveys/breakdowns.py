"""Counts for results broken down by an "about you" answer: how respondents in each group
(say, each ethnic group) answered every other question.

These cannot come from AnswerTally, which counts each answer on its own. For one force
they are counted from the responses' answers when asked (a few hundred thousand at
most). Nationally that would mean tens of millions, so each month's counts are kept in
BreakdownTally by ``manage.py refresh_breakdowns`` (nightly) and used while they are
complete; months they do not cover yet, such as the current one, are counted directly.
Either way the figures are exact; disclosure control comes after (surveys.results).
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Sum

from surveys.models import AnswerTally, BreakdownMonth, BreakdownTally, with_answered
from surveys.questionnaire import QUESTIONNAIRE, Kind

# The questions results can be broken down by: every "about you" question.
BY_QUESTION = [q.key for s in QUESTIONNAIRE.sections if s.key == "about_you" for q in s.questions]
_MULTIPLE = [key for key, q in QUESTIONNAIRE.questions.items() if q.kind is Kind.MULTIPLE]

# surveys_choices gives each response's choices as (question, choice) rows (migration
# 0015). Each is unique per response, question and choice, so count(*) counts
# responses (no DISTINCT, which would sort millions of rows). A multiple-choice question
# also gets a row with an empty choice counting the group's responses that answered it;
# for a single-choice question that is the sum over its choices (with_answered).
_CROSS_TAB = """
    SELECT {keys} g.question, g.choice, a.question, a.choice, count(*)
    FROM ({responses}) r
    CROSS JOIN LATERAL surveys_choices(r.choices) g
    CROSS JOIN LATERAL surveys_choices(r.choices) a
    WHERE g.question = ANY(%s)
    GROUP BY {keys} g.question, g.choice, a.question, a.choice
    UNION ALL
    SELECT {keys} g.question, g.choice, a.question, '', count(DISTINCT r.id)
    FROM ({responses}) r
    CROSS JOIN LATERAL surveys_choices(r.choices) g
    CROSS JOIN LATERAL surveys_choices(r.choices) a
    WHERE g.question = ANY(%s) AND a.question = ANY(%s)
    GROUP BY {keys} g.question, g.choice, a.question
"""

# One month, in one statement so that its count and its rows come from one snapshot.
_REFRESH = """
    WITH counted AS (
        INSERT INTO surveys_breakdowntally
            (month, reported, by_question, by_choice, question, choice, responses)
        {cross_tab}
        RETURNING 1
    )
    INSERT INTO surveys_breakdownmonth (month, responses)
    SELECT %s, count(*) FROM surveys_response WHERE submitted_month = %s
    ON CONFLICT (month) DO UPDATE SET responses = EXCLUDED.responses
"""


def counts_by_answer(filters, question):
    """(group, question, choice) -> responses under the filters, grouped by their answer
    to ``question``; choice "" counts those who answered the question."""
    if filters.force:
        counts = _count(filters.responses(), question)
    else:
        counts = _national(filters, question)
    return with_answered(counts)


def _national(filters, question):
    fresh, stale = _months(filters.period.start, filters.period.end)
    kept = BreakdownTally.objects.filter(month__in=fresh, by_question=question)
    if filters.reported is not None:
        kept = kept.filter(reported=filters.reported)
    counts = Counter()
    for row in kept.values("by_choice", "question", "choice").annotate(n=Sum("responses")):
        counts[(row["by_choice"], row["question"], row["choice"])] += row["n"]
    if stale:
        counts.update(_count(filters.responses().filter(submitted_month__in=stale), question))
    return counts


def _months(start=None, end=None):
    """The months from start (inclusive) to end whose kept counts are complete, and the
    months whose counts are missing or out of date; every month when no bounds."""
    months = AnswerTally.objects.filter(question="", choice="")
    if start:
        months = months.filter(month__gte=start, month__lt=end)
    responses = dict(months.values_list("month").annotate(Sum("responses")))
    counted = BreakdownMonth.objects.filter(month__in=responses)
    counted = dict(counted.values_list("month", "responses"))
    fresh = [month for month, n in responses.items() if counted.get(month) == n]
    return fresh, [month for month in responses if month not in fresh]


def _count(responses, question):
    sql, params = responses.values("id", "choices").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            _CROSS_TAB.format(keys="", responses=sql),
            [*params, [question], *params, [question], _MULTIPLE],
        )
        return Counter({(group, asked, chosen): n for _by, group, asked, chosen, n in cursor})


def stale_months():
    """Months whose kept breakdown counts are missing or out of date, oldest first."""
    AnswerTally.objects.catch_up()
    return sorted(_months()[1])


def refresh(month):
    """Count one month's breakdowns afresh (a few seconds per 40,000 responses)."""
    responses = (
        "SELECT id, submitted_month, reported, choices FROM surveys_response "
        "WHERE submitted_month = %s"
    )
    cross_tab = _CROSS_TAB.format(keys="r.submitted_month, r.reported,", responses=responses)
    with transaction.atomic(), connection.cursor() as cursor:
        # One refresh at a time: two would both insert the month's rows.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('surveys.refresh_breakdowns'))")
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("DELETE FROM surveys_breakdowntally WHERE month = %s", [month])
        cursor.execute(
            _REFRESH.format(cross_tab=cross_tab),
            [month, BY_QUESTION, month, BY_QUESTION, _MULTIPLE, month, month],
        )
