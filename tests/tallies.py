"""AnswerTally against a recount of the stored answers, for tests that check the two
agree."""

from django.db import connection

from surveys.models import ANSWERED_APART, AnswerTally

# What the tallies must be, counted from scratch from responses and answers: a row per
# response, per choice chosen, and per question answered of those counted apart.
RECOUNT = """
    SELECT r.submitted_month, coalesce(r.force_id, ''), r.reported, k.question, k.choice,
           count(*)
    FROM surveys_response r
    CROSS JOIN LATERAL (
        SELECT '' AS question, '' AS choice
        UNION ALL
        SELECT DISTINCT a.question, '' FROM surveys_answer a
        WHERE a.response_id = r.id AND a.question = ANY(%s)
        UNION ALL
        SELECT a.question, a.choice FROM surveys_answer a
        WHERE a.response_id = r.id AND a.choice <> ''
    ) k
    GROUP BY 1, 2, 3, 4, 5
"""


def recount():
    """Tally key -> responses, counted from the answers."""
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT, [sorted(ANSWERED_APART)])
        return {tuple(row[:5]): row[5] for row in cursor.fetchall()}


def tallies():
    """Tally key -> responses, as kept, once the queued responses are counted in."""
    AnswerTally.objects.catch_up()
    return {
        (t.month, t.force, t.reported, t.question, t.choice): t.responses
        for t in AnswerTally.objects.all()
    }
