"""How far the published results are from the truth: what disclosure control costs.

    python -m benchmarks.utility [--json] [--force metropolitan]

Runs in-process on DATABASE_URL's database, whose months must be published
(``manage.py publish_results``, or benchmarks/publish.py for the benchmark's own data);
`make bench` runs it on each seeded database and reports it. For each scope:

- national: all forces, all time; and all forces, each whole published quarter;
- one large force (metropolitan unless --force names another), each of the last four
  whole published quarters (a year as four quarterly pages; a quarter the page does
  not offer the force, too few having responded, counts as a page showing nothing),

it asks surveys.results.results() for the page's tables (every closed question, all
respondents, no breakdown) and compares every count the page shows (each answer's
count, each table's base of those who answered, and the number of respondents) with
the true count, summed from the published months' tally rows (AnswerTally, with
with_answered for single-choice questions' answered counts: what the page protects,
before protection). Hidden cells and withheld tables show no count, so they are not
compared but counted. Prints a Markdown table, or with --json the figures as JSON.
"""

import argparse
import json
import os
import statistics
from dataclasses import dataclass, field

import django

# As manage.py does, when the caller has not named the settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soteria_survey.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Sum  # noqa: E402

from benchmarks.report import utility_markdown  # noqa: E402
from surveys.filters import ALL_TIME, Filters, Period  # noqa: E402
from surveys.models import NONE, Count, with_answered  # noqa: E402
from surveys.publication import published_months  # noqa: E402
from surveys.results import periods, results, tallies  # noqa: E402

LARGE_FORCE = "metropolitan"
NEAR = 5  # "within 5 of the truth"
QUARTERS = 4  # a year of one force


@dataclass
class Errors:
    """Published minus true, for every count shown in some scope."""

    scope: str
    pages: int = 0
    cells: list = field(default_factory=list)  # answers' counts
    bases: list = field(default_factory=list)  # tables' answered counts, and respondents
    hidden_cells: int = 0  # cells of shown tables, hidden
    withheld_tables: int = 0
    withheld_cells: int = 0  # cells in the withheld tables
    no_page: int = 0  # pages showing nothing (too few respondents)

    def add(self, other):
        self.pages += other.pages
        self.cells += other.cells
        self.bases += other.bases
        self.hidden_cells += other.hidden_cells
        self.withheld_tables += other.withheld_tables
        self.withheld_cells += other.withheld_cells
        self.no_page += other.no_page

    def summary(self):
        return {
            "scope": self.scope,
            "pages": self.pages,
            "no_page": self.no_page,
            "cells": _summary(self.cells),
            "bases": _summary(self.bases),
            "hidden_cells": self.hidden_cells,
            "withheld_tables": self.withheld_tables,
            "withheld_cells": self.withheld_cells,
        }


def _summary(differences):
    if not differences:
        return {"shown": 0, "mean_abs": None, "max_abs": None, "within_5": None}
    absolute = [abs(d) for d in differences]
    return {
        "shown": len(differences),
        "mean_abs": statistics.mean(absolute),
        "max_abs": max(absolute),
        "within_5": sum(a <= NEAR for a in absolute) / len(absolute),
        "mean": statistics.mean(differences),  # bias: should be near 0
    }


def truth(filters):
    """(question, choice) -> the true count under the filters, from the published
    months' tally rows; (question, "") the respondents who answered it."""
    rows = tallies(filters).values("question", "choice").annotate(n=Sum("response_count"))
    counts = {(row["question"], row["choice"]): Count(row["n"]) for row in rows}
    return {key: count.n for key, count in with_answered(counts).items()}


def compare(filters, scope):
    threshold = settings.DISCLOSURE_THRESHOLD
    errors = Errors(scope, pages=1)
    true = truth(filters)
    published = results(filters, threshold)
    if published.suppressed:
        errors.no_page = 1
        return errors
    errors.bases.append(published.shown_base - true.get(("", ""), NONE.n))
    for _section, rows in published.sections:
        for row in rows:
            key = row.question.key
            table = row.table
            if table.suppressed:
                errors.withheld_tables += 1
                errors.withheld_cells += len(row.question.choices)
                continue
            errors.bases.append(table.base - true.get((key, ""), 0))
            for cell in table.cells:
                if cell.hidden:
                    errors.hidden_cells += 1
                else:
                    errors.cells.append(cell.count - true.get((key, cell.key), 0))
    return errors


def _quarters():
    """Every whole published quarter, newest first."""
    in_quarter = {}
    for month in published_months():
        key = f"{month.year}-Q{(month.month - 1) // 3 + 1}"
        in_quarter.setdefault(key, []).append(month)
    return [
        Period.parse(key) for key, got in sorted(in_quarter.items(), reverse=True) if len(got) == 3
    ]


def _each_quarter(force, quarters, scope):
    """Errors over each quarter's page for a force (None: every force). A quarter the
    page does not offer (too few respondents in it) shows nothing, as on the page."""
    offered = {p.key for p in periods(force, settings.DISCLOSURE_THRESHOLD)}
    pooled, each = Errors(scope), []
    for period in quarters:
        scope = f"{force or 'National'}, {period.label}"
        if period.key in offered:
            one = compare(Filters(force, period, None), scope)
        else:
            one = Errors(scope, pages=1, no_page=1)
        pooled.add(one)
        each.append(one)
    return pooled, each


def measure(force):
    national = compare(Filters(None, Period.parse(ALL_TIME), None), "National, all time")
    quarters = _quarters()
    by_quarter, each = _each_quarter(None, quarters, f"National, each quarter ({len(quarters)})")
    year = quarters[:QUARTERS]
    labels = ", ".join(p.label for p in reversed(year))
    large, each_large = _each_quarter(
        force, year, f"{force}, each of the last {len(year)} quarters ({labels})"
    )
    return {
        "threshold": settings.DISCLOSURE_THRESHOLD,
        "scopes": [e.summary() for e in (national, by_quarter, large)],
        "each": [e.summary() for e in (*each, *each_large)],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON, not Markdown")
    parser.add_argument("--force", default=LARGE_FORCE, help="the large force (a slug)")
    arguments = parser.parse_args()
    measured = measure(arguments.force)
    print(json.dumps(measured) if arguments.json else utility_markdown(measured))


if __name__ == "__main__":
    main()
