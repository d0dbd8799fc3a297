"""surveys/sql.py: the app's own statements. Its one reliance on Django's internals,
QuerySet.query.sql_with_params(), is checked here first, so that an upgrade which
changes it fails loudly rather than counting the wrong rows (docs/architecture.md)."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction

from surveys import sql
from surveys.models import AnswerTally, PublishedMonth, SurveyResponse, UntalliedResponse
from tests.research_data import add_responses

pytestmark = pytest.mark.django_db

JANUARY, FEBRUARY = date(2025, 1, 1), date(2025, 2, 1)


def test_a_compiled_query_set_runs_inside_a_statement_and_selects_what_it_would():
    add_responses(3, months=[JANUARY], force="kent")
    add_responses(2, months=[FEBRUARY], force="kent")
    add_responses(4, months=[JANUARY], force="essex")
    chosen = SurveyResponse.objects.filter(submitted_month=JANUARY, force="kent")

    selected, params = sql.compiled(chosen.values("id"))

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM ({selected}) AS chosen", params)  # noqa: S608
        ids = {row[0] for row in cursor}
    assert ids == set(chosen.values_list("id", flat=True))
    assert len(ids) == 3


def test_a_compiled_query_set_leaves_out_its_ordering():
    # A subquery's ORDER BY would sort a month of responses for nothing.
    selected, _params = sql.compiled(SurveyResponse.objects.all())
    assert "ORDER BY" not in selected.upper()
    assert SurveyResponse._meta.ordering  # the ordering left out is there to leave out


def test_delete_removes_exactly_what_a_query_set_selects_by_its_composite_key():
    for month in (JANUARY, FEBRUARY):
        for choice in ("often", "always"):
            AnswerTally.objects.create(
                month=month,
                force="kent",
                reported=True,
                question="believed",
                choice=choice,
                response_count=5,
            )

    deleted = sql.delete(AnswerTally.objects.before(FEBRUARY))

    assert deleted == 2
    assert set(AnswerTally.objects.values_list("month", "choice")) == {
        (FEBRUARY, "often"),
        (FEBRUARY, "always"),
    }


def test_delete_of_a_query_set_that_can_select_nothing_deletes_nothing():
    PublishedMonth.objects.create(month=JANUARY, published_at="2025-02-08T00:00Z")
    assert sql.delete(PublishedMonth.objects.filter(month__in=[])) == 0
    assert PublishedMonth.objects.count() == 1


def test_delete_is_stopped_by_a_row_still_pointing_at_what_it_deletes():
    # Responses go without Django's cascade: a queued response must stop the purge
    # (which counts the queue in first) rather than vanish from the tally unseen. The
    # foreign key is checked when the transaction commits.
    add_responses(1, months=[JANUARY])
    assert UntalliedResponse.objects.exists()

    def purge():
        with transaction.atomic():
            sql.delete(SurveyResponse.objects.before(FEBRUARY))
            connection.check_constraints()  # as the purge's commit does

    with pytest.raises(IntegrityError, match="foreign key"):
        purge()
    assert SurveyResponse.objects.count() == 1


# Where SQL may be written: here, the seam that runs the prepared statement, and the
# migrations (whose SQL is frozen as it was).
SQL_MAY_BE = {"surveys/sql.py", "surveys/prepared.py"}
STATEMENT = re.compile(
    r"cursor\.execute\(|\b(INSERT INTO|DELETE FROM|UPDATE \w+ SET|CLUSTER \w+ USING|COPY \w+)\b"
    r"|\bSELECT\b[^\n]*\bFROM\b"
)


def test_the_apps_own_sql_is_in_one_module():
    app = Path(__file__).resolve().parent.parent / "surveys"
    found = [
        f"{path.relative_to(app.parent)}:{number}: {line.strip()}"
        for path in sorted(app.rglob("*.py"))
        if "migrations" not in path.parts and str(path.relative_to(app.parent)) not in SQL_MAY_BE
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if STATEMENT.search(line)
    ]
    assert found == []
