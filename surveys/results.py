"""Aggregated results for analysts, always through surveys.disclosure.

Counts come from AnswerTally in one query whatever the number of questions or
responses. Periods are whole months or quarters (DESIGN.md section 4): arbitrary date
ranges could be differenced down to a handful of respondents.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Sum
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from surveys import disclosure
from surveys.models import AnswerTally
from surveys.questionnaire import ELIGIBILITY, QUESTIONNAIRE, Kind

ALL_TIME = "all"


def _month_after(month):
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


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
                end = _month_after(_month_after(_month_after(start)))
                return cls(key, f"{year} Q{quarter}", start, end)
            start = date(year, int(part), 1)
        except ValueError:
            return None
        return cls(key, date_format(start, "F Y"), start, _month_after(start))


def periods(months):
    """Every period that the given months (first days) fall in, newest first."""
    choices = [Period.parse(ALL_TIME)]
    quarters = sorted({(m.year, (m.month - 1) // 3 + 1) for m in months}, reverse=True)
    choices += [Period.parse(f"{year}-Q{quarter}") for year, quarter in quarters]
    choices += [Period.parse(f"{m.year}-{m.month:02d}") for m in sorted(months, reverse=True)]
    return choices


@dataclass(frozen=True)
class Filters:
    force: str | None  # a force slug; None for every force
    period: Period
    reported: bool | None  # None: reporters and non-reporters together

    def as_dict(self):
        return {"force": self.force, "period": self.period.key, "reported": self.reported}

    def query(self):
        """These filters as a query string, for links (the CSV of what is on screen)."""
        reported = {True: "yes", False: "no"}.get(self.reported, "")
        return urlencode(
            {"force": self.force or "", "period": self.period.key, "reported": reported}
        )

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
    table: disclosure.Table
    labels: dict


@dataclass(frozen=True)
class Results:
    base: int  # true base: only ever compared with the threshold, never shown
    shown_base: int | None
    sections: list  # (section, [QuestionResult])

    @property
    def suppressed(self):
        return self.shown_base is None


def results(filters, threshold):
    """Every closed question's protected distribution under the filters: one query."""
    counts = {
        (row["question"], row["choice"]): row["n"]
        for row in filters.tallies().values("question", "choice").annotate(n=Sum("responses"))
    }
    base = counts.get(("", ""), 0)
    if base < threshold:
        return Results(base=base, shown_base=None, sections=[])
    sections = []
    for section in [ELIGIBILITY, *QUESTIONNAIRE.sections]:
        rows = []
        for question in section.questions:
            if question.kind is Kind.TEXT or question.key == "age_18_or_over":
                continue
            distribution = {c.key: counts.get((question.key, c.key), 0) for c in question.choices}
            answered = counts.get((question.key, ""), 0)
            table = disclosure.protect(distribution, answered, threshold)
            labels = {c.key: c.label for c in question.choices}
            rows.append(QuestionResult(question, table, labels))
        if rows:
            sections.append((section, rows))
    return Results(base=base, shown_base=disclosure.round_count(base), sections=sections)
