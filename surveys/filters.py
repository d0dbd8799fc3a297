"""What an analyst's request selects: a period (a month, a quarter, a year April to
March, or all time), a force or every force, reporters or not, and a breakdown.

Periods are whole months, quarters or fixed years (docs/disclosure.md): arbitrary date
ranges could be differenced down to a handful of respondents. Rows are selected by
these filters through the models' query sets (``matching``: surveys.models), so the
results page, breakdowns and exports select alike.
"""

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from surveys import months
from surveys.forces import FORCE_SLUGS
from surveys.questionnaire import QUESTIONNAIRE

# What results can be broken down by: force, or the answer to an "about you" question.
BY_FORCE = "force"
BY_QUESTION = [q.key for s in QUESTIONNAIRE.sections if s.key == "about_you" for q in s.questions]

# The query string's values for reporters alone and for non-reporters alone.
REPORTED = {"yes": True, "no": False}
# Each filter the results pages read, at most once each.
PARAMETERS = {"force", "period", "reported", "breakdown"}
# Beside the filters, the results page reads which page of comments to show.
COMMENTS_PAGE = "comments_page"
# A page number of more digits is malformed, however many comments there are; one
# within this many digits but past the last page is answered with the last page.
_PAGE_DIGITS = 6

ALL_TIME = "all"
# The years a period may name: any other is a malformed filter, not an empty period.
YEARS = range(2000, 2100)
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])")
# A year of four whole quarters, April to March as police statistics in England and
# Wales count them, named by its last month: "year-to-2026-03". Years are fixed, never
# rolling: overlapping years would differ by a quarter in and a quarter out, and what
# each hides would say what those quarters held (docs/disclosure.md, "Years").
_YEAR = re.compile(r"year-to-([0-9]{4})-03")
YEAR_STARTS = 4  # April


@dataclass(frozen=True)
class Period:
    key: str  # "all", "2026-11", "2026-Q4" or "year-to-2027-03"
    label: str
    start: date | None  # first month, inclusive
    end: date | None  # first month after the period
    short: str = ""  # a column heading, on two lines: "Nov\n2026", "Q4\n2026"

    @classmethod
    def parse(cls, key: str) -> "Period | None":
        """The period a key names, or None if it names none."""
        if key == ALL_TIME:
            return cls(ALL_TIME, str(_("All time")), None, None)
        if (found := _YEAR.fullmatch(key)) and int(found[1]) - 1 in YEARS:
            end = date(int(found[1]), YEAR_STARTS, 1)
            closing = months.shift(end, -1)
            label = _("Year ending %(month)s") % {"month": date_format(closing, "F Y")}
            short = _("Year to\n%(month)s") % {"month": date_format(closing, "M Y")}
            return cls(key, str(label), months.shift(end, -12), end, str(short))
        if (found := _QUARTER.fullmatch(key)) and int(found[1]) in YEARS:
            year, quarter = int(found[1]), int(found[2])
            start = date(year, 3 * quarter - 2, 1)
            label = f"{year} Q{quarter}"
            return cls(key, label, start, months.shift(start, 3), f"Q{quarter}\n{year}")
        if (found := _MONTH.fullmatch(key)) and int(found[1]) in YEARS:
            start = date(int(found[1]), int(found[2]), 1)
            label, short = date_format(start, "F Y"), date_format(start, "M\nY")
            return cls(key, label, start, months.shift(start, 1), short)
        return None

    @classmethod
    def named(cls, key: str) -> "Period":
        """The period a key names that this code made, not a request: ValueError if it
        names none."""
        period = cls.parse(key)
        if period is None:
            raise ValueError(f"{key!r} names no period")
        return period

    def __contains__(self, month: date) -> bool:
        if self.start is None or self.end is None:  # all time
            return True
        return self.start <= month < self.end

    def previous(self) -> "Period | None":
        """The period of the same kind just before this one, which it is compared
        with (the year before a year); None for all time."""
        if self.start is None:
            return None
        if _YEAR.fullmatch(self.key):
            return Period.parse(year_key(self.start))
        if _QUARTER.fullmatch(self.key):
            return Period.parse(months.quarter_key(months.shift(self.start, -3)))
        return Period.parse(f"{months.shift(self.start, -1):%Y-%m}")


def year_key(end: date) -> str:
    """The key of the year (April to March) that ends just before ``end``, the first
    day of an April."""
    return f"year-to-{end.year}-03"


def whole_years(quarters: Iterable[date]) -> list[date]:
    """The years (April to March) all four of whose quarters are among ``quarters``
    (first months), each as the first day of the April after it, oldest first."""
    whole = set(quarters)
    return [
        months.shift(start, 12)
        for start in sorted(whole)
        if start.month == YEAR_STARTS
        and all(months.shift(start, 3 * later) in whole for later in (1, 2, 3))
    ]


@dataclass(frozen=True)
class Filters:
    force: str | None  # a force slug; None for every force
    period: Period
    reported: bool | None  # None: reporters and non-reporters together
    breakdown: str = ""  # "", BY_FORCE or a key in BY_QUESTION

    def as_dict(self) -> dict[str, str | bool | None]:
        return {
            "force": self.force,
            "period": self.period.key,
            "reported": self.reported,
            "breakdown": self.breakdown,
        }

    @classmethod
    def read(
        cls, query: QueryDict, own_force: str | None = None, also: Collection[str] = ()
    ) -> "Filters":
        """The filters a query string (a QueryDict) asks for; BadFilter, saying why,
        when it cannot be read. ``own_force``: the only force the reader may see (a
        force analyst's), which stands whatever the query string says; None when they
        may see every force. ``also``: the page's parameters other than filters, which
        it reads itself."""
        for key in query:
            if key not in PARAMETERS and key not in also:
                raise BadFilter(_("“%(name)s” is not a filter of these pages.") % {"name": key})
            if len(query.getlist(key)) > 1:
                raise BadFilter(
                    _("The filter “%(name)s” was given more than once.") % {"name": key}
                )
        chosen = query.get("force", "")
        if chosen and chosen not in FORCE_SLUGS:
            raise BadFilter(_("The force asked for is not one we know."))
        period = Period.parse(query.get("period") or ALL_TIME)
        if period is None:
            raise BadFilter(
                _(
                    "The period asked for is not a month, a quarter, a year (April to March) "
                    "or all time."
                )
            )
        breakdown = query.get("breakdown", "")
        if breakdown and breakdown not in {BY_FORCE, *BY_QUESTION}:
            raise BadFilter(_("Results cannot be broken down by what was asked for."))
        reported = query.get("reported", "")
        if reported not in ("", *REPORTED):
            raise BadFilter(_("The choice of respondents asked for is not one we know."))
        return cls(own_force or chosen or None, period, REPORTED.get(reported), breakdown)

    def query(self, **changes: str | bool | None) -> str:
        """These filters as a query string, for links (the CSV of what is on screen)."""
        values = {**self.as_dict(), **changes}
        names: dict[object, str] = {value: key for key, value in REPORTED.items()}
        reported = names.get(values["reported"], "")
        return urlencode({**values, "force": values["force"] or "", "reported": reported})


def comments_page(query: QueryDict) -> int:
    """The page of comments a query string asks for, from 1 (the first when it names
    none); BadFilter when it is not a page number."""
    given = query.get(COMMENTS_PAGE) or "1"
    if not (given.isascii() and given.isdigit() and len(given) <= _PAGE_DIGITS and int(given)):
        raise BadFilter(_("The page of comments asked for is not a page number."))
    return int(given)


class BadFilter(ValueError):
    """A query string the results pages cannot read: answered with a 400 page."""
