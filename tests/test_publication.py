"""Publishing closed months (surveys.publication): analysts see a month only a week
after it ends, periods only when published and large enough, and nothing that arrives
later changes what was published (docs/disclosure.md, "Closed periods")."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from surveys import months
from surveys.models import (
    AnswerTally,
    NationalTally,
    PublishedMonth,
    UntalliedResponse,
)
from surveys.publication import closes_on, last_due, publish_due
from tests.publishing import store

RESULTS = reverse("admin:results")
CSV = reverse("admin:results_csv")
pytestmark = pytest.mark.django_db


def _store(month, count, force="kent"):
    store(month, [{"believed": ["always" if i % 2 else "never"]} for i in range(count)], force)


def test_a_month_is_due_a_week_after_it_ends():
    assert closes_on(date(2026, 11, 1)) == date(2026, 12, 8)
    assert last_due(date(2026, 12, 7)) == date(2026, 10, 1)
    assert last_due(date(2026, 12, 8)) == date(2026, 11, 1)
    assert last_due(date(2027, 1, 1)) == date(2026, 11, 1)


def test_publishing_counts_the_queue_and_fills_whole_quarters():
    _store(date(2026, 8, 1), 12)
    _store(date(2026, 11, 1), 12)
    assert publish_due(date(2026, 12, 7)) == [
        date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1),
    ]  # fmt: skip
    assert not UntalliedResponse.objects.exists()  # counted in before publishing
    assert publish_due(date(2026, 12, 7)) == []  # once only
    assert publish_due(date(2026, 12, 8)) == [date(2026, 11, 1)]
    call_command("publish_results")  # today: nothing left that is due
    assert date.today().replace(day=1) not in PublishedMonth.objects.values_list(
        "month", flat=True
    )


def test_only_published_periods_with_enough_responses_are_offered(national_analyst):
    _store(date(2026, 7, 1), 12)
    _store(date(2026, 8, 1), 3)  # too few on its own
    _store(date(2026, 10, 1), 15)
    _store(date(2026, 11, 1), 15)  # ended, but not a week ago
    publish_due(date(2026, 12, 7))
    page = national_analyst.get(RESULTS)
    offered = [period.key for period in page.context["periods"]]
    # Q4 is not whole until December has been published, however many it holds.
    assert offered == ["all", "2026-Q3", "2026-10", "2026-07"]
    assert "2026-08" not in page.content.decode()  # a month of 3 is not on offer


@pytest.mark.parametrize("period", ["2026-08", "2026-11", "2026-Q4", "2031-01"])
def test_a_bookmarked_period_that_is_not_published_gets_a_clear_page(national_analyst, period):
    _store(date(2026, 7, 1), 12)
    _store(date(2026, 8, 1), 3)
    publish_due(date(2026, 12, 7))
    page = national_analyst.get(RESULTS, {"period": period})
    assert page.status_code == 200
    assert page.context["results"] is None
    assert "are not published" in page.content.decode()
    rows = national_analyst.get(CSV, {"period": period}).content.decode().splitlines()
    assert rows[-1] == "Respondents,not published for this period"


def test_a_published_month_never_changes_except_by_purge(national_analyst):
    this_month = date.today().replace(day=1)
    old = months.shift(this_month, -2)
    _store(old, 30)
    publish_due()
    before = national_analyst.get(CSV, {"period": f"{old:%Y-%m}"}).content
    _store(this_month, 20)  # the current month: never published yet
    call_command("tally_responses")
    publish_due()
    assert national_analyst.get(CSV, {"period": f"{old:%Y-%m}"}).content == before
    assert (
        national_analyst.get(CSV).content == national_analyst.get(CSV, {"period": "all"}).content
    )
    call_command("purge_responses", older_than_months=1)
    assert not PublishedMonth.objects.filter(month=old).exists()
    page = national_analyst.get(RESULTS, {"period": f"{old:%Y-%m}"})
    assert page.context["results"] is None


MALFORMED = [
    "period=9999-12",
    "period=123456789012345678901234567890-01",
    "period=2026-13",
    "period=2026-Q5",
    "period=2026-07&period=2026-08",
    "force=dorset&force=kent",
    "force=../x",
    "force=%00",
    "reported=maybe",
    "breakdown=favourite_colour",
    "breakdown=%00",
    "colour=blue",
]


@pytest.mark.parametrize("query", MALFORMED)
@pytest.mark.parametrize("url", [RESULTS, CSV, reverse("admin:responses_csv")])
def test_a_malformed_filter_gets_a_clear_400_page(admin_client, url, query):
    page = admin_client.get(f"{url}?{query}")
    assert page.status_code == 400
    assert "could not be read" in page.content.decode()


def test_random_query_strings_never_answer_500(admin_client):
    _store(date(2026, 7, 1), 12)
    publish_due(date(2026, 12, 7))
    keys = st.sampled_from(["force", "period", "reported", "breakdown", "x", "", "force[]"])
    values = st.one_of(
        st.text(max_size=40),
        st.sampled_from(["kent", "all", "2026-07", "2026-Q3", "yes", "no", "ethnicity"]),
        st.from_regex(r"-?\d{1,40}-(Q?\d{1,3})", fullmatch=True),
    )

    @hypothesis_settings(max_examples=150, deadline=None)
    @given(st.lists(st.tuples(keys, values), max_size=5), st.sampled_from([RESULTS, CSV]))
    @example([("period", "9999-12")], RESULTS)
    @example([("force", "\x00")], CSV)
    def check(pairs, url):
        page = admin_client.get(url, _as_query(pairs))
        assert page.status_code in (200, 400)

    check()


def _as_query(pairs):
    query = {}
    for key, value in pairs:
        query.setdefault(key, []).append(value)
    return query


@pytest.mark.parametrize(
    "url",
    [
        "/admin/surveys/auditentry/?action=%00",
        "/admin/surveys/auditentry/?action__exact=%00",
        "/admin/surveys/analyst/?force=%00",
        "/admin/auth/user/?q=%00",
        "/admin/?%00=1",
    ],
)
def test_a_nul_character_on_any_admin_url_gets_a_400_page(admin_client, url):
    page = admin_client.get(url)
    assert page.status_code == 400
    assert "could not be read" in page.content.decode()


def test_national_tallies_add_up_every_forces_published_rows_and_go_with_purge():
    this_month = date.today().replace(day=1)
    _store(months.shift(this_month, -3), 12)
    _store(months.shift(this_month, -3), 7, force="dorset")
    _store(months.shift(this_month, -2), 20, force="essex")
    _store(this_month, 5)  # not published: in no national row
    publish_due()
    added_up = {}
    for row in AnswerTally.objects.published():
        key = (row.month, row.reported, row.question, row.choice)
        n, cell = added_up.get(key, (0, 0))
        added_up[key] = (n + row.response_count, (cell + row.cell_key) % 256)
    national = {
        (row.month, row.reported, row.question, row.choice): (row.response_count, row.cell_key)
        for row in NationalTally.objects.all()
    }
    assert national == added_up
    assert not NationalTally.objects.filter(month=this_month).exists()
    call_command("purge_responses", older_than_months=2)
    assert not NationalTally.objects.filter(month__lt=months.shift(this_month, -2)).exists()
    assert NationalTally.objects.filter(month=months.shift(this_month, -2)).exists()
