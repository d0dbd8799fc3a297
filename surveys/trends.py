"""Trends for analysts: each headline measure period by period, drawn as a line.

Every point is taken from the protected table the results page would publish for its
period (surveys.results), so a trend adds no figure of its own.
"""

from dataclasses import dataclass

from surveys import disclosure, months
from surveys.filters import Filters, Period, whole_years, year_key
from surveys.models import NONE, Counts
from surveys.publication import published_months, whole_quarters
from surveys.questionnaire import QUESTIONNAIRE, Question
from surveys.results import MEASURE_LABELS, positive_cells, tallies

# Headline measures: the share giving the positive answers, month by month.
HEADLINES = {
    "dignity_respect": ("always", "often"),
    "believed": ("always", "often"),
    "kept_informed": ("always", "often"),
    "good_job": ("strongly_agree", "agree"),
}


@dataclass(frozen=True)
class Trend:
    question: Question
    points: tuple[tuple[Period, int | None], ...]  # percent None: cannot be shown

    @property
    def shown(self) -> list[tuple[Period, int]]:
        return [(period, percent) for period, percent in self.points if percent is not None]

    @property
    def label(self) -> str:
        """The measure's name, as the key measures call it."""
        return str(MEASURE_LABELS.get(self.question.key, self.question.text))

    def _xy(self) -> list[tuple[str, str] | None]:
        """(x, y) on a 0-100 grid per point, oldest on the left, each in the middle of
        its column of the table under the chart; None for gaps."""
        width = 100 / len(self.points)
        return [
            None if percent is None else (f"{(i + 0.5) * width:.2f}", f"{100 - percent:.1f}")
            for i, (_period, percent) in enumerate(self.points)
        ]

    @property
    def lines(self) -> list[str]:
        """SVG polyline points for each run of consecutive periods that can be shown: a
        gap breaks the line rather than being bridged."""
        runs: list[str] = []
        run: list[tuple[str, str]] = []
        for xy in [*self._xy(), None]:
            if xy is None:
                if run:
                    runs.append(" ".join(f"{x},{y}" for x, y in run))
                run = []
            else:
                run.append(xy)
        return runs

    @property
    def dots(self) -> list[tuple[str, str]]:
        return [xy for xy in self._xy() if xy is not None]


@dataclass(frozen=True)
class Trends:
    every: str  # what each point covers: MONTH, QUARTER or YEAR
    series: list[Trend]  # one per headline measure; empty when there is no trend

    @property
    def shown(self) -> bool:
        """Whether any point of any measure can be shown."""
        return any(trend.shown for trend in self.series)


MONTH, QUARTER, YEAR = "month", "quarter", "year"


def _trend_periods(filters: Filters) -> list[tuple[str, list[Period]]]:
    """(what a point covers, [Period] oldest first) for each way a trend may run, the
    finest first: for every force together, each published month; for one force (a
    force's month is seldom enough people), each whole published quarter, then each
    whole published year (April to March)."""
    published = [month for month in published_months() if month in filters.period]
    if not filters.force:
        return [(MONTH, [Period.named(f"{month:%Y-%m}") for month in published])]
    quarters = whole_quarters(published)
    return [
        (QUARTER, [Period.named(months.quarter_key(start)) for start in quarters]),
        (YEAR, [Period.named(year_key(end)) for end in whole_years(quarters)]),
    ]


def trends(filters: Filters, threshold: int) -> Trends | None:
    """Each headline measure per period, from that period's protected table: a period
    whose table is withheld, or whose positive answers are hidden, is a gap. A point
    adds no figure of its own: it is the shown positive cells as a share of the shown
    number who answered, as the table for that period shows them.

    The finest way of running (_trend_periods) at which at least half the points can
    be shown is chosen; failing that, the one showing most points (the finer on a
    tie), so that a force whose quarters are too small sees its years. None when no
    way has two periods; a measure with no point at all comes back with no points
    shown, and is not drawn."""
    ways = [(every, periods) for every, periods in _trend_periods(filters) if len(periods) > 1]
    if not ways:
        return None
    by_month = (
        tallies(filters).filter(question__in=HEADLINES).counted("month", "question", "choice")
    )
    best: Trends | None = None
    most = -1
    for every, periods in ways:
        series = _series(by_month, periods, threshold)
        shown = sum(len(trend.shown) for trend in series)
        if 2 * shown >= sum(len(trend.points) for trend in series):
            return Trends(every, series)
        if shown > most:
            best, most = Trends(every, series), shown
    return best


def _series(by_month: Counts, periods: list[Period], threshold: int) -> list[Trend]:
    """Each headline measure's Trend over ``periods``, from counts by month."""
    counts: Counts = {}
    for (month, question, choice), count in by_month.items():
        for period in periods:
            if month in period:
                cell = (period.key, question, choice)
                counts[cell] = counts.get(cell, NONE) + count
    result: list[Trend] = []
    for key, positive in HEADLINES.items():
        points: list[tuple[Period, int | None]] = []
        for period in periods:
            shown = positive_cells(counts, (period.key,), key, positive, threshold)
            points.append((period, disclosure.percent(*shown) if shown else None))
        result.append(Trend(QUESTIONNAIRE.questions[key], tuple(points)))
    return result
