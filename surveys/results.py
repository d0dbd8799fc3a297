"""Aggregated results for analysts, always through surveys.disclosure.

Counts come from AnswerTally in one query whatever the number of questions or
responses; breakdowns by an "about you" answer come from surveys.breakdowns. Periods
are whole months or quarters (DESIGN.md section 4): arbitrary date ranges could be
differenced down to a handful of respondents.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Sum
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from surveys import disclosure, months
from surveys.breakdowns import counts_by_answer
from surveys.forces import FORCES
from surveys.models import AnswerTally, Response, with_answered
from surveys.questionnaire import AGE_GATE, ELIGIBILITY, QUESTIONNAIRE, Kind
from surveys.redaction import redact

# Ordinal scales shown as diverging bars: (negative answers from the middle outwards,
# neutral answers, positive answers from the middle outwards), found by their keys.
DIVERGING_SCALES = {
    frozenset(["always", "often", "sometimes", "rarely", "never", "not_applicable"]): (
        ("rarely", "never"),
        ("sometimes",),
        ("often", "always"),
    ),
    frozenset(
        ["strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "dont_know"]
    ): (("disagree", "strongly_disagree"), ("neither",), ("agree", "strongly_agree")),
}
NEGATIVE_COLOURS = ("#e5a59a", "#b6321c")
POSITIVE_COLOURS = ("#8fbcd1", "#205a7a")
NEUTRAL_COLOUR = "#c8c8c8"

BY_FORCE = "force"

ALL_TIME = "all"


@dataclass(frozen=True)
class Period:
    key: str  # "all", "2026-11" or "2026-Q4"
    label: str
    start: date | None  # first month, inclusive
    end: date | None  # first month after the period

    @classmethod
    def parse(cls, key):
        """The period a key names, or None if it names none."""
        if key == ALL_TIME:
            return cls(ALL_TIME, str(_("All time")), None, None)
        try:
            year, part = key.split("-")
            year = int(year)
            if part.startswith("Q"):
                quarter = int(part[1:])
                if not 1 <= quarter <= 4:
                    return None
                start = date(year, 3 * quarter - 2, 1)
                end = months.shift(start, 3)
                return cls(key, f"{year} Q{quarter}", start, end)
            start = date(year, int(part), 1)
        except ValueError:
            return None
        return cls(key, date_format(start, "F Y"), start, months.shift(start, 1))


def periods(available):
    """Every period that the given months (first days) fall in, newest first."""
    choices = [Period.parse(ALL_TIME)]
    quarters = sorted({(m.year, (m.month - 1) // 3 + 1) for m in available}, reverse=True)
    choices += [Period.parse(f"{year}-Q{quarter}") for year, quarter in quarters]
    choices += [Period.parse(f"{m.year}-{m.month:02d}") for m in sorted(available, reverse=True)]
    return choices


@dataclass(frozen=True)
class Filters:
    force: str | None  # a force slug; None for every force
    period: Period
    reported: bool | None  # None: reporters and non-reporters together
    breakdown: str = ""  # "", BY_FORCE or a key in BY_QUESTION

    def as_dict(self):
        return {
            "force": self.force,
            "period": self.period.key,
            "reported": self.reported,
            "breakdown": self.breakdown,
        }

    def query(self):
        """These filters as a query string, for links (the CSV of what is on screen)."""
        reported = {True: "yes", False: "no"}.get(self.reported, "")
        return urlencode({**self.as_dict(), "force": self.force or "", "reported": reported})

    def responses(self):
        """The responses these filters select (for what the tallies cannot answer)."""
        responses = Response.objects.order_by()
        if self.force:
            responses = responses.filter(force=self.force)
        if self.period.start:
            responses = responses.filter(
                submitted_month__gte=self.period.start, submitted_month__lt=self.period.end
            )
        if self.reported is not None:
            responses = responses.filter(reported=self.reported)
        return responses

    def tallies(self):
        tallies = AnswerTally.objects.all()
        if self.force:
            tallies = tallies.filter(force=self.force)
        if self.period.start:
            tallies = tallies.filter(month__gte=self.period.start, month__lt=self.period.end)
        if self.reported is not None:
            tallies = tallies.filter(reported=self.reported)
        return tallies


@dataclass(frozen=True)
class QuestionResult:
    question: object
    table: disclosure.Table | None  # None for a breakdown
    labels: dict
    groups: tuple = ()  # (group key, group label, Table), for a breakdown

    @property
    def answers(self):
        """(label, cell) pairs of the overall table, in the questionnaire's order."""
        return [(self.labels[cell.key], cell) for cell in self.table.cells]

    @property
    def diverging(self):
        """For agreement and frequency scales: SVG segments (x, width, colour) of a bar
        diverging from the middle, negative answers to the left, positive to the right,
        the neutral one across the middle. None when a needed cell is hidden."""
        scale = DIVERGING_SCALES.get(frozenset(self.labels))
        if scale is None or self.table is None or self.table.suppressed:
            return None
        cells = {cell.key: cell for cell in self.table.cells}
        negative, neutral, positive = scale
        if any(cells[key].hidden for key in (*negative, *positive, *neutral)):
            return None
        half = {key: cells[key].percent / 2 for key in cells}
        middle = sum(half[key] for key in neutral) / 2
        segments, x = [], 50 - middle
        for key, colour in zip(negative, NEGATIVE_COLOURS, strict=False):
            x -= half[key]
            segments.append((x, half[key], colour))
        x = 50 - middle
        for key in neutral:
            segments.append((x, half[key], NEUTRAL_COLOUR))
            x += half[key]
        for key, colour in zip(positive, POSITIVE_COLOURS, strict=False):
            segments.append((x, half[key], colour))
            x += half[key]
        return segments


@dataclass(frozen=True)
class Results:
    base: int  # true base: only ever compared with the threshold, never shown
    shown_base: int | None
    sections: list  # (section, [QuestionResult])
    groups: tuple = ()  # (key, label) of a breakdown's groups

    @property
    def suppressed(self):
        return self.shown_base is None


def _closed_questions():
    for section in [ELIGIBILITY, *QUESTIONNAIRE.sections]:
        questions = [q for q in section.questions if q.kind is not Kind.TEXT and q.key != AGE_GATE]
        if questions:
            yield section, questions


def results(filters, threshold):
    """Every closed question's protected distribution under the filters, broken down by
    force or an "about you" question if the filters ask: one query either way, once
    the responses still queued are counted into the tally (so for the rest of the
    request too: the months on offer, the trends)."""
    AnswerTally.objects.catch_up()
    counts = with_answered(
        {
            (row["question"], row["choice"]): row["n"]
            for row in filters.tallies().values("question", "choice").annotate(n=Sum("responses"))
        }
    )
    base = counts.get(("", ""), 0)
    if base < threshold:
        return Results(base=base, shown_base=None, sections=[])
    shown_base = disclosure.round_count(base)
    if filters.breakdown:
        return _breakdown(filters, threshold, base, shown_base)
    sections = []
    for section, questions in _closed_questions():
        rows = []
        for question in questions:
            distribution = {c.key: counts.get((question.key, c.key), 0) for c in question.choices}
            answered = counts.get((question.key, ""), 0)
            table = disclosure.protect(distribution, answered, threshold)
            rows.append(QuestionResult(question, table, _labels(question)))
        sections.append((section, rows))
    return Results(base=base, shown_base=shown_base, sections=sections)


def _labels(question):
    return {c.key: c.label for c in question.choices}


def _breakdown(filters, threshold, base, shown_base):
    if filters.breakdown == BY_FORCE:
        counts, groups = _counts_by_force(filters), [(slug, name) for slug, name in FORCES]
    else:
        by = QUESTIONNAIRE.questions[filters.breakdown]
        counts, groups = counts_by_answer(filters, by.key), list(_labels(by).items())
    sections = []
    for section, questions in _closed_questions():
        rows = []
        for question in questions:
            per_group = {
                group: (
                    {c.key: counts.get((group, question.key, c.key), 0) for c in question.choices},
                    counts.get((group, question.key, ""), 0),
                )
                for group, _label in groups
            }
            tables = disclosure.protect_breakdown(per_group, threshold)
            by_group = tuple((group, label, tables[group]) for group, label in groups)
            rows.append(QuestionResult(question, None, _labels(question), by_group))
        sections.append((section, rows))
    return Results(base, shown_base, sections, tuple(groups))


def _counts_by_force(filters):
    rows = filters.tallies().values("force", "question", "choice").annotate(n=Sum("responses"))
    return with_answered({(r["force"], r["question"], r["choice"]): r["n"] for r in rows})


FREE_TEXT_LIMIT = 200


def free_texts(filters, threshold):
    """Redacted free-text answers under the filters (at most FREE_TEXT_LIMIT, in no
    meaningful order: the response ids are random), or None when fewer than the
    threshold exist, which could point to particular people."""
    written = filters.responses().exclude(free_text="").order_by("id")
    texts = list(written.values_list("free_text", flat=True)[:FREE_TEXT_LIMIT])
    if len(texts) < threshold:
        return None
    return [redact(text) for text in texts]


# Headline measures: the share giving the positive answers, month by month.
HEADLINES = {
    "dignity_respect": ("always", "often"),
    "believed": ("always", "often"),
    "kept_informed": ("always", "often"),
    "good_job": ("strongly_agree", "agree"),
}


@dataclass(frozen=True)
class Trend:
    question: object
    points: tuple  # (month, percent or None when that month cannot be shown)

    @property
    def shown(self):
        return [(month, percent) for month, percent in self.points if percent is not None]

    def _xy(self):
        """(x, y) on a 0-100 grid per point, oldest month on the left; None for gaps."""
        step = 100 / max(len(self.points) - 1, 1)
        return [
            None if percent is None else (f"{i * step:.1f}", f"{100 - percent:.1f}")
            for i, (_month, percent) in enumerate(self.points)
        ]

    @property
    def lines(self):
        """SVG polyline points for each run of consecutive months that can be shown: a
        gap month breaks the line rather than being bridged."""
        runs, run = [], []
        for xy in [*self._xy(), None]:
            if xy is None:
                if run:
                    runs.append(" ".join(f"{x},{y}" for x, y in run))
                run = []
            else:
                run.append(xy)
        return runs

    @property
    def dots(self):
        return [xy for xy in self._xy() if xy is not None]


def trends(filters, threshold):
    """Each headline measure per month of the period, from protected monthly tables: a
    month whose base is too small, or whose positive answers are hidden, is a gap."""
    rows = (
        filters.tallies()
        .filter(question__in=HEADLINES)
        .values("month", "question", "choice")
        .annotate(n=Sum("responses"))
    )
    counts = with_answered({(r["month"], r["question"], r["choice"]): r["n"] for r in rows})
    in_period = sorted({month for month, _q, _c in counts})
    result = []
    for key, positive in HEADLINES.items():
        question = QUESTIONNAIRE.questions[key]
        points = []
        for month in in_period:
            distribution = {c.key: counts.get((month, key, c.key), 0) for c in question.choices}
            table = disclosure.protect(distribution, counts.get((month, key, ""), 0), threshold)
            cells = {cell.key: cell for cell in table.cells}
            if table.suppressed or any(cells[k].hidden for k in positive):
                points.append((month, None))
            else:
                points.append(
                    (month, round(100 * sum(cells[k].count for k in positive) / table.base))
                )
        result.append(Trend(question, tuple(points)))
    return result if len(in_period) >= 2 else []
