"""Aggregated results for analysts, always through surveys.disclosure.

Analysts see published months only (surveys.publication), never live counts. Counts
come from the tallies in one query whatever the number of questions or responses;
breakdowns by an "about you" answer come from surveys.breakdowns. What a request
selects is a surveys.filters.Filters.
"""

import math
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Self

from django.core.paginator import Page, Paginator
from django.db.models import Sum
from django.db.models.functions import TruncQuarter
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from surveys import disclosure, months
from surveys.breakdowns import counts_by_answer
from surveys.filters import (
    ALL_TIME,
    BY_FORCE,
    BY_QUESTION,
    Filters,
    Period,
    whole_years,
    year_key,
)
from surveys.forces import FORCE_SLUGS, FORCES
from surveys.models import (
    NONE,
    AnswerTally,
    Counts,
    NationalQuerySet,
    NationalTally,
    PublishedMonth,
    SurveyResponse,
    TallyQuerySet,
)
from surveys.publication import published_months, whole_quarters
from surveys.questionnaire import (
    AGE_GATE,
    ELIGIBILITY,
    FORCE_QUESTIONS,
    FREE_TEXT_QUESTION,
    NOT_REPORTED_ANSWER,
    QUESTIONNAIRE,
    Audience,
    Choice,
    Kind,
    Question,
    Section,
    first_asked,
)
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

# (key, label) of a breakdown, or of a group it breaks down into.
Labelled = tuple[str, StrOrPromise]
# The comment groups that may be published (comment_groups): (force or "", first month
# of the quarter, reported) -> how many comments.
CommentGroups = dict[tuple[str, date, bool], int]


def periods(force: str | None, threshold: int) -> list[Period]:
    """The periods offered for a force (None: every force), newest first: all time
    (every published month), then each year (April to March) of four whole quarters,
    each whole quarter and each month published, each only if it holds at least the
    threshold of its responses."""
    published = published_months()
    bases = tallies(Filters(force, Period.named(ALL_TIME), None)).by_month()

    def enough(start: date, count: int) -> bool:
        return sum(bases.get(months.shift(start, i), 0) for i in range(count)) >= threshold

    quarters = whole_quarters(published)
    choices = [Period.named(ALL_TIME)] if sum(bases.values()) >= threshold else []
    choices += [
        Period.named(year_key(end))
        for end in reversed(whole_years(quarters))
        if enough(months.shift(end, -12), 12)
    ]
    choices += [
        Period.named(months.quarter_key(start)) for start in reversed(quarters) if enough(start, 3)
    ]
    choices += [Period.named(f"{m:%Y-%m}") for m in reversed(published) if enough(m, 1)]
    return choices


def tallies(
    filters: Filters, by_force: bool = False
) -> TallyQuerySet[AnswerTally] | NationalQuerySet[NationalTally]:
    """The tally rows ``filters`` select: for every force together, from the national
    rows (a fortieth as many), unless they are wanted ``by_force``."""
    model = AnswerTally if filters.force or by_force else NationalTally
    return model.objects.matching(filters)


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    table: disclosure.Table | None  # None for a breakdown
    labels: dict[str, StrOrPromise]
    # (group key, group label, Table), for a breakdown
    groups: tuple[tuple[str, StrOrPromise, disclosure.Table], ...] = ()

    @property
    def answers(self) -> list[tuple[StrOrPromise, disclosure.Cell]]:
        """(label, cell) pairs of the overall table, in the questionnaire's order; none
        for a breakdown."""
        if self.table is None:
            return []
        return [(self.labels[cell.key], cell) for cell in self.table.cells]

    @property
    def diverging(self) -> list[tuple[float, float, str]] | None:
        """For agreement and frequency scales: SVG segments (x, width, colour) of a bar
        diverging from the middle, negative answers to the left, positive to the right,
        the neutral one across the middle. None when a needed cell is hidden."""
        scale = DIVERGING_SCALES.get(frozenset(self.labels))
        if scale is None or self.table is None or self.table.suppressed:
            return None
        cells = {cell.key: cell for cell in self.table.cells}
        negative, neutral, positive = scale
        # Only the scale's own answers: another ("Does not apply to me") may be hidden.
        half = {}
        for key in (*negative, *neutral, *positive):
            percent = cells[key].percent
            if percent is None:  # hidden
                return None
            half[key] = percent / 2
        middle = sum(half[key] for key in neutral) / 2
        segments: list[tuple[float, float, str]] = []
        x = 50 - middle
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
    shown_base: int | None  # published; None when too few respondents match
    sections: list[tuple[Section, list[QuestionResult]]]
    groups: tuple[Labelled, ...] = ()  # a breakdown's groups
    breakdowns: tuple[Labelled, ...] = ()  # the breakdowns these filters allow
    breakdown_unavailable: bool = False  # the breakdown asked for is not allowed here

    @property
    def suppressed(self) -> bool:
        return self.shown_base is None


def _areas_named(period: Period) -> bool:
    """Whether anyone who did not report can have named a force area in ``period`` (a
    version asking for it was live in one of its months): only then can one force's
    results hold people who did not report. Decided from the questionnaire's dates and
    the published months alone, never from what anyone answered."""
    first = first_asked("force_area")
    if first is None:
        return False
    if period.end is not None:
        return period.end > first
    newest = PublishedMonth.objects.order_by("-month").values_list("month", flat=True).first()
    return newest is not None and newest >= first


def _closed_questions(
    filters: Filters,
) -> Iterator[tuple[Section, list[tuple[Question, Sequence[Choice]]]]]:
    """(section, [(question, choices)]) of the closed questions that apply under the
    filters, leaving out only what cannot happen under them. One force's view leaves
    out the questions that chose the force, and it holds reporters alone unless the
    period is one in which people who did not report were asked for their force area
    (_areas_named). For reporters alone: the non-reporters' questions and the answer
    "not reported"; for non-reporters alone: the reporters' questions and the question
    that sorted them."""
    reporters = filters.reported is True or (
        filters.force is not None and filters.reported is None and not _areas_named(filters.period)
    )
    sections: Sequence[Section]
    if filters.reported is False:
        sections = QUESTIONNAIRE.sections_for(Audience.NOT_REPORTED)
    elif reporters:
        sections = QUESTIONNAIRE.sections_for(Audience.REPORTED)
    else:
        sections = QUESTIONNAIRE.sections
    for section in [ELIGIBILITY, *sections]:
        questions: list[tuple[Question, Sequence[Choice]]] = []
        for question in section.questions:
            if question.kind is Kind.TEXT or question.key == AGE_GATE:
                continue
            if question.key in FORCE_QUESTIONS and filters.force:
                continue
            choices: Sequence[Choice] = question.choices
            if question.key == "reported" and filters.reported is False:
                continue
            if question.key == "reported" and reporters:
                choices = [c for c in choices if c.key != NOT_REPORTED_ANSWER]
            questions.append((question, choices))
        if questions:
            yield section, questions


def results(filters: Filters, threshold: int) -> Results:
    """Every closed question's protected distribution under the filters, broken down by
    force or an "about you" question if the filters ask and every group allows: one
    query for the counts, one more for a breakdown."""
    counts = tallies(filters).counted("question", "choice")
    shown_base = disclosure.publish_base(counts.get(("", ""), NONE), threshold)
    if shown_base is None:
        return Results(shown_base=None, sections=[])
    offered = tuple(_breakdowns(filters, counts, threshold))
    if filters.breakdown:
        if filters.breakdown not in dict(offered):
            return Results(shown_base, [], breakdowns=offered, breakdown_unavailable=True)
        return _breakdown(filters, threshold, shown_base, offered)
    sections: list[tuple[Section, list[QuestionResult]]] = []
    for section, questions in _closed_questions(filters):
        rows: list[QuestionResult] = []
        for question, choices in questions:
            distribution = {c.key: counts.get((question.key, c.key), NONE) for c in choices}
            answered = counts.get((question.key, ""), NONE)
            table = disclosure.protect(distribution, answered, threshold)
            rows.append(QuestionResult(question, table, _labels(choices)))
        sections.append((section, rows))
    return Results(shown_base, sections, breakdowns=offered)


def _labels(choices: Iterable[Choice]) -> dict[str, StrOrPromise]:
    return {c.key: c.label for c in choices}


def _offered(table: disclosure.Table, groups: Collection[str]) -> bool:
    """Whether a breakdown into ``groups`` may be offered, judged from the published
    table of the question that makes the groups: shown, of at least SMALL_TABLE
    answers (where zeros are shown), and no group's cell hidden, so that every group is
    empty or holds at least the threshold. Everything it depends on is on the page
    already, so offering a breakdown or not tells an analyst nothing more
    (docs/disclosure.md, "Breakdowns")."""
    if table.base is None or table.base < disclosure.SMALL_TABLE:  # None: suppressed
        return False
    return not any(cell.hidden for cell in table.cells if cell.key in groups)


def breakdown_label(key: str) -> StrOrPromise:
    """What a breakdown's key (BY_FORCE or a key in BY_QUESTION) is called."""
    return _("Force") if key == BY_FORCE else QUESTIONNAIRE.questions[key].text


def _breakdowns(filters: Filters, counts: Counts, threshold: int) -> Iterator[Labelled]:
    """(key, label) of each breakdown the filters allow, in the order offered."""
    by = [(BY_FORCE, "force")] if filters.force is None else []
    by += [(key, key) for key in BY_QUESTION]
    for key, asked in by:
        question = QUESTIONNAIRE.questions[asked]
        distribution = {c.key: counts.get((asked, c.key), NONE) for c in question.choices}
        table = disclosure.protect(distribution, counts.get((asked, ""), NONE), threshold)
        groups: Collection[str] = FORCE_SLUGS if key == BY_FORCE else distribution
        if _offered(table, groups):
            yield key, breakdown_label(key)


def _breakdown(
    filters: Filters, threshold: int, shown_base: int, offered: tuple[Labelled, ...]
) -> Results:
    groups: list[Labelled]
    if filters.breakdown == BY_FORCE:
        counts = tallies(filters, by_force=True).counted("force", "question", "choice")
        groups = list(FORCES)
    else:
        by = QUESTIONNAIRE.questions[filters.breakdown]
        counts, groups = counts_by_answer(filters, by.key), list(_labels(by.choices).items())
    sections: list[tuple[Section, list[QuestionResult]]] = []
    for section, questions in _closed_questions(filters):
        rows: list[QuestionResult] = []
        for question, choices in questions:
            by_group = tuple(
                (
                    group,
                    label,
                    disclosure.protect(
                        {c.key: counts.get((group, question.key, c.key), NONE) for c in choices},
                        counts.get((group, question.key, ""), NONE),
                        threshold,
                    ),
                )
                for group, label in groups
            )
            rows.append(QuestionResult(question, None, _labels(choices), by_group))
        sections.append((section, rows))
    return Results(shown_base, sections, tuple(groups), breakdowns=offered)


@dataclass(frozen=True)
class CommentGroup:
    """The part of one publication group a page of comments shows."""

    label: str
    texts: list[str]  # redacted, in the order of their random ids
    first: int  # the place in the group of the first comment shown, from 1
    size: int  # the comments in the whole group
    goes_on: bool  # whether the group goes on over the next page

    @property
    def last(self) -> int:
        return self.first + len(self.texts) - 1


@dataclass(frozen=True)
class Comments:
    """One page of the comments matching the filters: every comment of the matching
    groups, group after group (newest quarter first), each group in the order of its
    random ids, cut into pages of FREE_TEXT_PAGE."""

    page: Page[int]
    groups: list[CommentGroup]

    @property
    def page_range(self) -> Iterator[int | str]:
        """The page numbers to link to, with an ellipsis for those left out."""
        return self.page.paginator.get_elided_page_range(self.page.number, on_ends=1)


# A page of comments holds this many; a group longer than what is left of a page goes
# on over the next.
FREE_TEXT_PAGE = 200


def comment_groups(threshold: int) -> CommentGroups:
    """The comment groups that may be published, newest first, as (force or "", first
    month of the quarter, reported) -> comments: every force's, every whole published
    quarter's and both reporter statuses' comments that number at least the threshold
    (docs/disclosure.md, "Free text"). Wherever comments reach staff, they come from
    these groups only."""
    whole = whole_quarters(published_months())
    sizes = (
        AnswerTally.objects.published()
        .filter(question=FREE_TEXT_QUESTION, choice="")
        .annotate(quarter=TruncQuarter("month"))
        .filter(quarter__in=whole)
        .values("force", "quarter", "reported")
        .annotate(n=Sum("response_count"))
        .order_by("-quarter", "force", "-reported")
    )
    return {
        (group["force"], group["quarter"], group["reported"]): group["n"]
        for group in sizes
        if group["n"] >= threshold
    }


def free_texts(filters: Filters, threshold: int, number: int = 1) -> Comments:
    """Page ``number`` of the redacted comments under the filters (the last page, when
    there are fewer), from whole publication groups only: those whose quarter lies
    inside the period, for the force and respondents chosen (docs/disclosure.md, "Free
    text"). Only the comments on the page are read."""
    matching = [
        (group, size)
        for group, size in comment_groups(threshold).items()
        if _shows_group(filters, group)
    ]
    # The paginator numbers the pages (and chooses which to link to); what it pages are
    # only the places of the comments, from which the page's cut is worked out.
    paginator = Paginator(range(sum(size for _group, size in matching)), FREE_TEXT_PAGE)
    page = paginator.get_page(number)
    start, stop = page.start_index() - 1, page.end_index()
    names = dict(FORCES)
    shown: list[CommentGroup] = []
    before = 0  # the comments in the groups before this one
    for (force, quarter, reported), size in matching:
        first, last = max(start - before, 0), min(stop - before, size)
        before += size
        if first >= last:
            continue
        written = (
            SurveyResponse.objects.in_quarter(quarter)
            .filter(force=force or None, reported=reported)
            .exclude(free_text="")
        )
        texts = [
            redact(text)
            for text in written.order_by("id").values_list("free_text", flat=True)[first:last]
        ]
        if not texts:
            # Only if a published month's rows were deleted by hand after it was
            # counted: the group's size comes from the tally.
            continue
        label = _("%(who)s, %(quarter)s, %(reported)s") % {
            "who": names.get(force, _("No force given")),
            "quarter": Period.named(months.quarter_key(quarter)).label,
            "reported": _("reported") if reported else _("did not report"),
        }
        shown.append(CommentGroup(label, texts, first + 1, size, goes_on=before > stop))
    return Comments(page, shown)


def _shows_group(filters: Filters, group: tuple[str, date, bool]) -> bool:
    """Whether the filters take in a whole publication group: its quarter inside their
    period, its force and reporter status theirs or any."""
    force, quarter, reported = group
    return (
        quarter in filters.period
        and months.shift(quarter, 2) in filters.period
        and filters.force in (None, force)
        and filters.reported in (None, reported)
    )


def in_comment_group(
    response: SurveyResponse, groups: Mapping[tuple[str, date, bool], int]
) -> bool:
    """Whether a response's comment belongs to a group that may be published
    (``groups``: from comment_groups)."""
    month = response.submitted_month
    return (response.force_id or "", months.quarter_start(month), response.reported) in groups


# The key measures forces publish, each as the share giving its positive answers, in
# the order the headline view shows them; a question the questionnaire does not ask
# (yet) is left out until it does.
KEY_MEASURES = [
    ("dignity_respect", ("always", "often"), _("Treated with dignity and respect")),
    ("believed", ("always", "often"), _("Believed")),
    ("taken_seriously", ("always", "often"), _("Taken seriously")),
    ("kept_informed", ("always", "often"), _("Kept informed")),
    ("good_job", ("strongly_agree", "agree"), _("Agree the police did a good job")),
    ("report_again", ("definitely", "probably"), _("Would report again")),
    ("encourage_friend", ("definitely", "probably"), _("Would encourage a friend to report")),
]
MEASURE_LABELS = {key: label for key, _positive, label in KEY_MEASURES}
# A 95% interval.
Z = 1.96


@dataclass(frozen=True)
class Share:
    """A published share with a 95% interval (Wilson's), from published figures only."""

    percent: int
    low: int
    high: int
    base: int  # the published number who answered
    part: int  # the published number giving the positive answers

    @classmethod
    def of(cls, part: int, whole: int) -> Self:
        p, n = min(part / whole, 1), whole
        middle = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
        half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
        low, high = max(middle - half, 0), min(middle + half, 1)
        return cls(disclosure.percent(part, whole), round(100 * low), round(100 * high), n, part)


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    share: Share | None  # under the filters; None when it cannot be shown
    national: Share | None  # England and Wales, for one force's view
    previous: Share | None = None  # the previous comparable period, when both show

    @property
    def difference(self) -> str:
        """ "higher" or "lower" when England and Wales lies outside this share's interval,
        "similar" when inside, "" when there is nothing to compare."""
        if self.share is None or self.national is None:
            return ""
        if self.national.percent < self.share.low:
            return "higher"
        if self.national.percent > self.share.high:
            return "lower"
        return "similar"

    @property
    def change(self) -> int | None:
        """Percentage points since the previous comparable period, or None."""
        if self.share is None or self.previous is None:
            return None
        return self.share.percent - self.previous.percent

    @property
    def size_of_change(self) -> int:
        """How many points the share rose or fell (for wording the change)."""
        return abs(self.change or 0)

    @property
    def clear_change(self) -> bool:
        """Whether the change is larger than chance would probably make it: outside the
        95% interval of the difference between two independent samples of these sizes,
        from their pooled share, widened by the noise and rounding each published count
        carries (disclosure.PUBLISHED_VARIANCE, in both the part and the base)."""
        now, before = self.share, self.previous
        if now is None or before is None:  # no change to judge
            return False
        p = (now.part + before.part) / (now.base + before.base)
        sampling = p * (1 - p) * (1 / now.base + 1 / before.base)
        published = (
            disclosure.PUBLISHED_VARIANCE * (1 + p * p) * (1 / now.base**2 + 1 / before.base**2)
        )
        return abs(now.percent - before.percent) > 100 * Z * math.sqrt(sampling + published)


def positive_cells(
    counts: Counts, group: tuple[object, ...], key: str, positive: Iterable[str], threshold: int
) -> tuple[int, int] | None:
    """(shown positive answers, shown number who answered) of question ``key``'s
    protected table, from ``counts`` keyed (*group, question, choice); None when the
    table is withheld or a positive cell hidden. Key measures and trend points read
    the table the page shows, never a table of their own."""
    question = QUESTIONNAIRE.questions[key]
    distribution = {c.key: counts.get((*group, key, c.key), NONE) for c in question.choices}
    table = disclosure.protect(distribution, counts.get((*group, key, ""), NONE), threshold)
    if table.base is None:  # suppressed
        return None
    cells = {cell.key: cell.count for cell in table.cells}
    shown = 0
    for k in positive:
        count = cells[k]
        if count is None:  # a positive cell hidden
            return None
        shown += count
    return shown, table.base


def _share(counts: Counts, key: str, positive: Iterable[str], threshold: int) -> Share | None:
    """A key measure's Share, or None when its table cannot show it."""
    shown = positive_cells(counts, (), key, positive, threshold)
    return Share.of(*shown) if shown else None


def key_measures(
    filters: Filters, threshold: int, previous: Period | None = None
) -> list[Measure]:
    """The headline view: each key measure under the filters, beside England and Wales
    for one force's view (a force analyst may see the national figure, never another
    force's), and beside the ``previous`` comparable period when one is offered. All
    come from the tables the results pages publish."""
    measures = [m for m in KEY_MEASURES if m[0] in QUESTIONNAIRE.questions]
    keys = [key for key, _positive, _label in measures]

    def shares(chosen: Filters) -> dict[str, Share | None]:
        counts = tallies(chosen).filter(question__in=keys).counted("question", "choice")
        return {key: _share(counts, key, positive, threshold) for key, positive, _ in measures}

    mine = shares(filters)
    national = shares(Filters(None, filters.period, filters.reported)) if filters.force else {}
    before: dict[str, Share | None] = {}
    if previous is not None:
        before = shares(Filters(filters.force, previous, filters.reported))
    return [
        Measure(key, str(label), mine[key], national.get(key), before.get(key))
        for key, _positive, label in measures
    ]
