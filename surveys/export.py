"""CSV exports: what the admin writes into spreadsheets.

Results exports carry protected figures (surveys.admin_site). Individual responses go
only to the national research role (the export_responses permission): one row per
response, one column per question, free text only with its own permission and redacted.
"""

from surveys.questionnaire import QUESTIONNAIRE, Kind
from surveys.redaction import redact

# Rows are read from the database this many responses at a time.
CHUNK = 2000


def spreadsheet_safe(cells):
    """Neutralise spreadsheet formulas: a cell starting with = + - @ is shown as text."""
    return [f"'{c}" if isinstance(c, str) and c[:1] in ("=", "+", "-", "@") else c for c in cells]


def response_rows(responses, with_text):
    """The header, then one row per response. Rows come in random-id order: the order
    rows were stored in would tell when, within a month, each was sent."""
    questions = [q for q in QUESTIONNAIRE.stored_questions if with_text or q.kind is not Kind.TEXT]
    yield ["response", "month", "force", "reported", "questionnaire_version"] + [
        q.key for q in questions
    ]
    for response in responses.order_by("id").iterator(chunk_size=CHUNK):
        yield spreadsheet_safe(
            [
                str(response.id),
                f"{response.submitted_month:%Y-%m}",
                response.force_id or "",
                {True: "yes", False: "no"}.get(response.reported, ""),
                response.questionnaire_version,
                *(_cell(response, q) for q in questions),
            ]
        )


def _cell(response, question):
    """A question's cell: the keys of the choices given, or the free text redacted."""
    if question.kind is Kind.TEXT:
        return redact(response.free_text)
    return "; ".join(sorted(response.choices.get(question.key, ())))
