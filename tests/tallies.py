"""AnswerTally against a recount of the stored answers, for tests that check the two
agree."""

from collections import Counter

from surveys.models import ANSWERED_APART, AnswerTally, Response


def recount():
    """Tally key -> responses, counted afresh in Python from every response: a row per
    response, per choice chosen, and per question answered of those counted apart."""
    counts = Counter()
    for response in Response.objects.all():
        group = (response.submitted_month, response.force_id or "", response.reported)
        counts[(*group, "", "")] += 1
        for question, answer in response.answers():
            if question.key in ANSWERED_APART:
                counts[(*group, question.key, "")] += 1
            if isinstance(answer, list):
                counts.update((*group, question.key, choice) for choice in answer)
    return dict(counts)


def tallies():
    """Tally key -> responses, as kept, once the queued responses are counted in."""
    AnswerTally.objects.catch_up()
    return {
        (t.month, t.force, t.reported, t.question, t.choice): t.responses
        for t in AnswerTally.objects.all()
    }
