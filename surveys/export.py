"""CSV exports: what the admin writes into spreadsheets.

The results export carries the results page's protected figures (results_rows).
Individual responses go only to the national research role (the export_responses
permission): one row per response, one column per question, free text only with its
own permission and redacted.
Research access has a floor of its own (docs/disclosure.md, "Research access"): whole
quarters only, never a small selection, and never the stored id of a response.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from surveys import months
from surveys.filters import Period
from surveys.models import SurveyResponse
from surveys.publication import published_months, whole_quarters
from surveys.questionnaire import QUESTIONNAIRE, Kind, Question
from surveys.redaction import redact
from surveys.results import CommentGroups, Results, in_comment_group

# A row of a CSV file: whatever csv.writer writes (text, numbers, translated words).
Row = Sequence[object]


def results_rows(
    outcome: Results | None, force_name: StrOrPromise, period: Period, threshold: int
) -> Iterator[Row]:
    """The rows of the results CSV: exactly the protected figures of the results page
    (``outcome``, a surveys.results.Results, or None for a period not published), with
    the page's words for what is hidden."""
    yield [_("Force"), force_name]
    yield [_("Period"), period.label]
    hidden = _("fewer than %(threshold)d") % {"threshold": threshold}
    if outcome is None:
        yield [_("Respondents"), _("not published for this period")]
        return
    if outcome.suppressed:
        yield [_("Respondents"), hidden]
        return
    if outcome.breakdown_unavailable:
        yield [_("Breakdown"), _("not available for these filters")]
        return
    yield [_("Respondents"), outcome.shown_base]
    yield [_("Section"), _("Question"), _("Group"), _("Answer"), _("Count"), _("Percent")]
    withheld = _("not shown")
    for section, rows in outcome.sections:
        for row in rows:
            for _group, label, table in row.groups or [("", _("Everyone"), row.table)]:
                start = [section.title, row.question.caption, label]
                if table is None or table.suppressed:
                    yield spreadsheet_safe([*start, "", withheld, ""])
                    continue
                yield spreadsheet_safe([*start, _("Answered"), table.base, ""])
                for cell in table.cells:
                    shown = (cell.count, cell.percent) if not cell.hidden else (hidden, "")
                    yield spreadsheet_safe([*start, row.labels[cell.key], *shown])


# Rows are read from the database this many responses at a time.
CHUNK = 2000

# The fewest responses a research export or the admin's response list will show. Each
# row carries some 30 answers, and that many answers together are close to unique: a
# handful of rows (say, one force's non-reporters in one quarter) is a set of
# fingerprints that someone who knows a respondent could pick theirs out of.
RESEARCH_MINIMUM_ROWS = 50


def research_months() -> list[date]:
    """The published months researchers see: those whose whole quarter is published.

    Rows carry their quarter, never their month; but a quarter with only its first
    month published would name that month, and exporting it again once the rest is
    published would tell which rows came later."""
    quarters = whole_quarters(published_months())
    return [months.shift(start, i) for start in quarters for i in range(3)]


def covers_whole_quarters(period: Period) -> bool:
    """Whether a period (surveys.filters.Period) is all time or whole quarters (a
    quarter or a year): asking for one month would undo the coarsening of every row's
    month to its quarter."""
    if period.start is None:
        return True
    whole = period.start == months.quarter_start(period.start)
    return whole and period.end in {months.shift(period.start, n) for n in (3, 12)}


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """Each row as a line of CSV, as it is needed: a research export of a million rows
    is streamed, never held whole."""
    writer = csv.writer(_Echo())
    return (writer.writerow(row) for row in rows)


class _Echo:
    """A file that hands back what is written, so that csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def spreadsheet_safe(cells: Iterable[object]) -> list[object]:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ is shown as text."""
    return [f"'{c}" if isinstance(c, str) and c[:1] in ("=", "+", "-", "@") else c for c in cells]


def response_rows(
    responses: QuerySet[SurveyResponse], comments: CommentGroups | None = None
) -> Iterator[Row]:
    """The header, then one row per response, numbered from 1. ``comments``: the
    comment groups that may be published (surveys.results.comment_groups), for a
    reader allowed free text; a comment outside them is left out, as on every page.

    Rows are numbered rather than named by their stored id, so that two exports cannot
    be joined on it, nor an export to the admin's pages. They come in random-id order:
    the order rows were stored in would tell when, within a quarter, each was sent."""
    with_text = comments is not None
    questions = [q for q in QUESTIONNAIRE.stored_questions if with_text or q.kind is not Kind.TEXT]
    yield ["row", "quarter", "force", "reported", "questionnaire_version"] + [
        q.key for q in questions
    ]
    ordered = responses.order_by("id").iterator(chunk_size=CHUNK)
    for number, response in enumerate(ordered, start=1):
        yield spreadsheet_safe(
            [
                number,
                months.quarter_key(response.submitted_month),
                response.force_id or "",
                {True: "yes", False: "no"}.get(response.reported, ""),
                response.questionnaire_version,
                *(_cell(response, q, comments) for q in questions),
            ]
        )


def _cell(response: SurveyResponse, question: Question, comments: CommentGroups | None) -> str:
    """A question's cell: the keys of the choices given, or the free text redacted if
    its comment group may be published."""
    if question.kind is Kind.TEXT:
        shown = comments is not None and in_comment_group(response, comments)
        return redact(response.free_text) if shown else ""
    return "; ".join(sorted(response.choices.get(question.key, ())))
