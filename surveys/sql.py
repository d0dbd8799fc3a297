"""Every statement of the app's own SQL, in one place: what Django's ORM cannot write,
or cannot write at the speed the hot paths need. Migrations keep theirs, frozen.

Tables and columns are named from the models' ``_meta``, looked up through the app
registry when a statement runs, so that the models can call in here and a renamed
model or field renames its SQL too. What each statement is for, and why the ORM does
not write it, is said beside it. Everything that a Django upgrade could change under
these statements goes through ``compiled()``, which tests/test_sql.py checks.
"""

import functools
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.apps import apps
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import ForeignObjectRel, Model, QuerySet
from psycopg import Copy
from psycopg import sql as psycopg_sql

from surveys.prepared import fetch_one_prepared

if TYPE_CHECKING:
    from surveys.models import SurveyResponse

# A row of cross_tab: (group, question, choice, responses, summed record keys).
CrossTabRow = tuple[str, str, str, int, int]


def _table(model: str | type[Model]) -> str:
    """A model's table, quoted, by model name ("answertally") or class."""
    if isinstance(model, str):
        model = apps.get_model("surveys", model)
    return connection.ops.quote_name(model._meta.db_table)


def _names(*models: str) -> dict[str, str]:
    """{model name: its quoted table}, for str.format."""
    return {model: _table(model) for model in models}


def _column(model: type[Model], name: str) -> str:
    """The column of a model's field, by name or attname, unquoted."""
    field = model._meta.get_field(name)
    if isinstance(field, ForeignObjectRel) or field.column is None:
        raise FieldDoesNotExist(f"{model.__name__}.{name} has no column")
    return field.column


def compiled(queryset: QuerySet[Model, object]) -> tuple[str, tuple[Any, ...]]:
    """(SQL, params) of the query a query set would run, for use inside a statement of
    our own. Django documents ``str(queryset.query)`` only for reading, not running;
    ``sql_with_params()`` is its runnable form, and the one internal API this module
    leans on (tests/test_sql.py fails if an upgrade changes it)."""
    return queryset.order_by().query.sql_with_params()


def unlimited_time(cursor: CursorWrapper) -> None:
    """Lift the web's statement timeout for the rest of the caller's transaction: for
    the scheduled jobs, whose statements may take minutes at a million responses."""
    cursor.execute("SET LOCAL statement_timeout = 0")


def give_up_waiting_after(cursor: CursorWrapper, seconds: float) -> None:
    """Fail a statement that waits for a lock longer than ``seconds``, for the rest of
    the caller's transaction, rather than hold every submission up behind it."""
    cursor.execute(f"SET LOCAL lock_timeout = '{int(seconds)}s'")


def lock(cursor: CursorWrapper, name: str) -> None:
    """Wait for, then hold until the caller's transaction ends, the lock called
    ``name``: one publisher at a time."""
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])


# A submission, stored in one statement: its receipt, the response (answers and all, in
# one row), and the response's place in the queue of responses not yet added to the
# tally. It commits whole or not at all, and needs no transaction or savepoint of its
# own, so it costs one round trip; the ORM would need three statements in a
# transaction. A token already used adds no receipt, and so nothing else: the statement
# then returns no row.
_RECORD = """
    WITH receipt AS (
        INSERT INTO {submissionreceipt} (nonce, month)
        VALUES (%(nonce)s::varchar, %(month)s::date)
        ON CONFLICT (nonce) DO NOTHING
        RETURNING month
    ), response AS (
        INSERT INTO {surveyresponse} (id, questionnaire_version, force_id, reported,
                                      submitted_month, choices, free_text, record_key)
        SELECT %(id)s::uuid, %(version)s::varchar, %(force)s::varchar,
               %(reported)s::boolean, month, %(choices)s::jsonb, %(free_text)s::text,
               %(record_key)s::smallint
        FROM receipt
        RETURNING id
    ), untallied AS (
        INSERT INTO {untalliedresponse} (response_id)
        SELECT id FROM response
    )
    SELECT id FROM response
"""


@functools.cache
def _record_statement() -> str:
    # Made once: a prepared statement is known by its text.
    return _RECORD.format(**_names("submissionreceipt", "surveyresponse", "untalliedresponse"))


def record(params: Mapping[str, Any]) -> UUID | None:
    """Store a submission (SurveyResponse.objects.record); the new response's id, or
    None when its token was used already. Bound on the server, so that the free text
    travels as a parameter rather than quoted into the SQL, and prepared once per
    connection: parsing and planning it took PostgreSQL longer than the insert of a
    bare row (surveys.prepared)."""
    stored = fetch_one_prepared(_record_statement(), params)
    if stored is None:
        return None
    response_id: UUID = stored[0]
    return response_id


# Takes every queued response off the queue and adds it to the tally, in one statement:
# a row per response, a row per choice chosen, and a row per question answered of those
# counted apart, each counted and its record keys summed into the row's cell key. Two
# at once cannot count a response twice: the second waits for the first's queue rows,
# finds them gone and skips them. Rows are updated in one order (code points: COLLATE
# "C"), so that writers queue for the same rows rather than deadlock. The ORM has no
# DELETE ... RETURNING, no lateral join and no upsert that adds to a row.
_CATCH_UP = """
    WITH queued AS (
        DELETE FROM {untalliedresponse} RETURNING response_id
    ), response AS (
        SELECT r.id, r.submitted_month, coalesce(r.force_id, '') AS force, r.reported,
               r.choices, r.free_text, r.record_key
        FROM queued JOIN {surveyresponse} r ON r.id = queued.response_id
    ), chosen AS (
        SELECT r.id, r.submitted_month, r.force, r.reported, r.record_key, c.question,
               c.choice
        FROM response r CROSS JOIN LATERAL surveys_choices(r.choices) c
    ), key (month, force, reported, question, choice, record_key) AS (
        SELECT submitted_month, force, reported, '', '', record_key FROM response
        UNION ALL
        SELECT submitted_month, force, reported, %(free_text)s, '', record_key
        FROM response
        WHERE free_text <> ''
        UNION ALL
        SELECT DISTINCT ON (id, question) submitted_month, force, reported, question,
               '', record_key
        FROM chosen
        WHERE question = ANY(%(apart)s)
        UNION ALL
        SELECT submitted_month, force, reported, question, choice, record_key
        FROM chosen
    ), tallied AS (
        INSERT INTO {answertally} AS tally
            (month, force, reported, question, choice, response_count, cell_key)
        SELECT month, force, reported, question, choice, count(*),
               sum(record_key) %% %(keys)s
        FROM key
        GROUP BY month, force, reported, question, choice
        ORDER BY month, force COLLATE "C", reported, question COLLATE "C",
                 choice COLLATE "C"
        ON CONFLICT (month, force, reported, question, choice)
        DO UPDATE SET response_count = tally.response_count + EXCLUDED.response_count,
                      cell_key = (tally.cell_key + EXCLUDED.cell_key) %% %(keys)s
    )
    SELECT count(*) FROM queued
"""


def catch_up(*, answered_apart: Collection[str], free_text: str, keys: int) -> int:
    """Count every queued response into the tally; return how many (the parameters:
    AnswerTally.objects.catch_up)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _CATCH_UP.format(**_names("untalliedresponse", "surveyresponse", "answertally")),
            {"apart": sorted(answered_apart), "free_text": free_text, "keys": keys},
        )
        counted: int = cursor.fetchone()[0]
        return counted


# Answers counted against the answer to one "about you" question. surveys_choices gives
# each response's choices as (question, choice) rows (migration 0015). Each is unique
# per response, question and choice, so count(*) counts responses (no DISTINCT, which
# would sort millions of rows), and the record keys sum into the cell key. A
# multiple-choice question also gets a row with an empty choice counting the group's
# responses that answered it; for a single-choice question that is the sum over its
# choices (with_answered). The ORM cannot join a row to a function's rows.
_CROSS_TAB = """
    SELECT {keys} g.question, g.choice, a.question, a.choice, count(*), sum(r.record_key)
    FROM ({responses}) r
    CROSS JOIN LATERAL surveys_choices(r.choices) g
    CROSS JOIN LATERAL surveys_choices(r.choices) a
    WHERE g.question = ANY(%s)
    GROUP BY {keys} g.question, g.choice, a.question, a.choice
    UNION ALL
    SELECT {keys} g.question, g.choice, a.question, '', count(*), sum(r.record_key)
    FROM ({responses}) r
    CROSS JOIN LATERAL surveys_choices(r.choices) g
    CROSS JOIN unnest(%s::text[]) AS a(question)
    WHERE g.question = ANY(%s) AND jsonb_exists(r.choices, a.question)
    GROUP BY {keys} g.question, g.choice, a.question
"""


def cross_tab(
    responses: "QuerySet[SurveyResponse]", by_questions: list[str], multiple: list[str]
) -> list[CrossTabRow]:
    """(group, question, choice, responses, summed record keys) for the responses a
    query set selects, grouped by their answers to ``by_questions``; ``multiple``: the
    multiple-choice questions, whose answering is counted apart."""
    selected, params = compiled(responses.values("id", "choices", "record_key"))
    statement = _CROSS_TAB.format(keys="", responses=selected)
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, by_questions, *params, multiple, by_questions])
        return [(group, asked, chosen, n, key) for _by, group, asked, chosen, n, key in cursor]


_COUNT_BREAKDOWNS = """
    INSERT INTO {breakdowntally}
        (month, reported, by_question, by_choice, question, choice, response_count,
         cell_key)
    SELECT month, reported, by_question, by_choice, question, choice, n, key %% {keys}
    FROM ({cross_tab}) AS counted (month, reported, by_question, by_choice, question,
                                   choice, n, key)
"""


def count_breakdowns(
    responses: "QuerySet[SurveyResponse]",
    by_questions: list[str],
    multiple: list[str],
    keys: int,
) -> None:
    """Count the responses a query set selects into BreakdownTally, by month and
    reporter status, grouped by their answers to ``by_questions`` (``multiple``: as for
    cross_tab; ``keys``: RECORD_KEYS)."""
    fields = ("id", "submitted_month", "reported", "choices", "record_key")
    selected, params = compiled(responses.values(*fields))
    cross_tab = _CROSS_TAB.format(keys="r.submitted_month, r.reported,", responses=selected)
    statement = _COUNT_BREAKDOWNS.format(
        breakdowntally=_table("breakdowntally"), cross_tab=cross_tab, keys=int(keys)
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, by_questions, *params, multiple, by_questions])


# Every force's tallies of some months, added up for views of every force together. The
# ORM's bulk_create would bring every row through Python first.
_ADD_UP_NATIONAL = """
    INSERT INTO {nationaltally}
        (month, reported, question, choice, response_count, cell_key)
    SELECT month, reported, question, choice, sum(response_count),
           sum(cell_key) %% %(keys)s
    FROM {answertally}
    WHERE month = ANY(%(months)s)
    GROUP BY month, reported, question, choice
"""


def add_up_national(months: list[date], keys: int) -> None:
    """Add up AnswerTally's rows for ``months`` into NationalTally's."""
    tables = _names("nationaltally", "answertally")
    with connection.cursor() as cursor:
        cursor.execute(_ADD_UP_NATIONAL.format(**tables), {"months": months, "keys": keys})


def delete(queryset: QuerySet[Model, object]) -> int:
    """Delete the rows a query set selects, in one statement, and return how many.
    QuerySet.delete() loads every row first, to cascade and send signals: minutes for
    a month of responses. Nothing here needs either: the tables purged have no signals,
    and a foreign key left pointing at a deleted row stops the statement."""
    model = queryset.model
    keys = [field.attname for field in model._meta.pk_fields]
    columns = ", ".join(connection.ops.quote_name(_column(model, key)) for key in keys)
    try:
        selected, params = compiled(queryset.values_list(*keys))
    except EmptyResultSet:  # the query set can select nothing: filter(month__in=[])
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {_table(model)} WHERE ({columns}) IN ({selected})",  # noqa: S608
            params,
        )
        deleted: int = cursor.rowcount
        return deleted


def rewrite_in_key_order(*models: type[Model]) -> None:
    """Rewrite each model's table in the order of its primary key (PostgreSQL CLUSTER),
    then gather fresh statistics. Django has no CLUSTER."""
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            index = connection.ops.quote_name(f"{table}_pkey")  # PostgreSQL's default name
            cursor.execute(f"CLUSTER {_table(model)} USING {index}")
            cursor.execute(f"ANALYZE {_table(model)}")


def analyze(*models: type[Model]) -> None:
    """Fresh planner statistics for the models' tables, after a bulk load."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(_table(model) for model in models)}")


@contextmanager
def copy_into(model: type[Model], fields: Iterable[str]) -> Iterator[Copy]:
    """A psycopg Copy to write rows of ``fields`` into a model's table with COPY, inside
    the caller's transaction: a bulk load a hundred times as fast as bulk_create."""
    columns = [_column(model, name) for name in fields]
    statement = psycopg_sql.SQL("COPY {} ({}) FROM STDIN").format(
        psycopg_sql.Identifier(model._meta.db_table),
        psycopg_sql.SQL(", ").join(map(psycopg_sql.Identifier, columns)),
    )
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor() as raw,
        raw.copy(statement) as copy,
    ):
        yield copy


# The app's role, each time migrations have run, on every table and sequence: a table a
# new migration adds is covered, and a privilege granted by hand beyond these is taken
# back. The audit log may only be added to and read.
_GRANTS = [
    "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {app}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
    "REVOKE UPDATE, DELETE ON {auditentry} FROM {app}",
    "REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {app}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}",
]


def grant(using_connection: BaseDatabaseWrapper, role: str) -> None:
    """Give ``role`` exactly the app's privileges (surveys.database_roles)."""
    names = {
        "app": psycopg_sql.Identifier(role),
        "auditentry": psycopg_sql.Identifier(
            apps.get_model("surveys", "auditentry")._meta.db_table
        ),
    }
    with using_connection.cursor() as cursor:
        for statement in _GRANTS:
            cursor.execute(psycopg_sql.SQL(statement).format(**names))
