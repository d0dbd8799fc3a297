"""The analysts' results pages: force scoping, disclosure control, CSV, audit, queries."""

import csv
import io
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.urls import reverse

from surveys import months, tokens
from surveys.disclosure import protect, publish
from surveys.export import spreadsheet_safe
from surveys.models import RECORD_KEYS, AuditEntry, Count, PublishedMonth, SurveyResponse
from surveys.publication import publish_due
from surveys.questionnaire import QUESTIONNAIRE
from surveys.results import Measure, QuestionResult, Share
from tests.publishing import publish_everything, store
from tests.research_data import PUBLISHED_ON, add_responses
from tests.staff import sign_in
from tests.survey_data import submission

RESULTS = reverse("admin:results")
CSV = reverse("admin:results_csv")
pytestmark = pytest.mark.django_db


@pytest.fixture
def analysts(monkeypatch, django_user_model):
    monkeypatch.setenv("ANALYST_PASSWORD", "a-long-enough-password-9")
    call_command("create_analyst", "kent-analyst", force="kent")
    call_command("create_analyst", "national-analyst", national=True)
    return {
        "kent": django_user_model.objects.get(username="kent-analyst"),
        "national": django_user_model.objects.get(username="national-analyst"),
    }


def _submit(client, count, **answers):
    for _ in range(count):
        client.post(reverse("surveys:survey"), submission(tokens.issue(), **answers))


def _seed(**options):
    """Seed, then publish: any month seeded into is unpublished again first, as the
    seeding command leaves published months alone."""
    PublishedMonth.objects.all().delete()
    call_command("seed_responses", **options)
    publish_everything()


def _count(responses):
    """The Count of some responses, recounted here: how many, and their keys' sum."""
    keys = [response.record_key for response in responses]
    return Count(len(keys), sum(keys) % RECORD_KEYS)


def _published_base(force=None):
    responses = SurveyResponse.objects.filter(
        submitted_month__in=PublishedMonth.objects.values("month")
    )
    return publish(_count(responses.filter(force=force) if force else responses), 10)


def test_force_analyst_sees_only_their_force_whatever_the_query(client, analysts):
    _seed(count=1200, seed=5)
    sign_in(client, analysts["kent"])
    for query in ["", "?force=dorset", "?force="]:
        page = client.get(RESULTS + query)
        assert page.status_code == 200
        assert page.context["filters"].force == "kent"
        assert page.context["results"].shown_base == _published_base("kent")
        assert "Kent Police" in page.content.decode()
        assert page.context["forces"] is None  # no force chooser
        csv_rows = list(csv.reader(io.StringIO(client.get(CSV + query).content.decode())))
        assert csv_rows[0] == ["Force", "Kent Police"]
        assert ["Respondents", str(_published_base("kent"))] in csv_rows


def test_force_analysts_csv_counts_only_their_force_whatever_the_query(client, analysts):
    """Every figure, not just the name row: the CSV a Kent analyst gets for any query is
    the one a national analyst gets for Kent, and Dorset's is different."""
    call_command("seed_responses", count=500, force="dorset", seed=4)
    _seed(count=500, force="kent", seed=5)
    sign_in(client, analysts["national"])
    kent = client.get(CSV + "?force=kent").content.decode()
    dorset = client.get(CSV + "?force=dorset").content.decode()
    figures = [row[-2:] for row in csv.reader(io.StringIO(kent))][2:]
    assert sum(count.isdigit() for count, _percent in figures) > 100
    assert figures != [row[-2:] for row in csv.reader(io.StringIO(dorset))][2:]

    sign_in(client, analysts["kent"])
    for query in ["", "?force=dorset", "?force=", "?force=dorset&reported=yes"]:
        expected = client.get(CSV + "?reported=yes").content.decode() if "yes" in query else kent
        assert client.get(CSV + query).content.decode() == expected, query


def test_national_analyst_sees_every_force_or_one(client, analysts):
    _seed(count=400, seed=5)
    sign_in(client, analysts["national"])
    assert client.get(RESULTS).context["results"].shown_base == _published_base()
    page = client.get(RESULTS + "?force=dorset")
    assert page.context["filters"].force == "dorset"


def test_results_need_the_permission(client, django_user_model, analysts):
    assert client.get(RESULTS).status_code == 302  # to the sign-in page
    staff = django_user_model.objects.create_user("staff", password="x" * 20, is_staff=True)
    sign_in(client, staff)
    assert client.get(RESULTS).status_code == 403
    assert client.get(CSV).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert "app-results" not in index
    assert "Results cover" not in index


def test_force_analyst_cannot_browse_individual_responses(client, analysts):
    sign_in(client, analysts["kent"])
    assert client.get(reverse("admin:surveys_surveyresponse_changelist")).status_code == 403
    assert client.get(reverse("admin:surveys_auditentry_changelist")).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert "app-results" in index  # the first module, and the only one
    assert "permission" not in index  # not "You don't have permission to view ..."
    assert "No month has been published yet" in index
    _seed(count=1, seed=1)
    assert (
        "Results cover every month published so far"
        in client.get(reverse("admin:index")).content.decode()
    )


def _table(outcome, question):
    return next(
        row for _s, rows in outcome.sections for row in rows if row.question.key == question
    )


def test_small_cells_and_small_zeros_are_hidden_and_the_rest_perturbed(client, analysts):
    _submit(client, 15, believed="always", felt_safe="often")
    _submit(client, 12, believed="sometimes", felt_safe="often")
    _submit(client, 1, believed="never", felt_safe="rarely")
    publish_everything()
    sign_in(client, analysts["kent"])
    page = client.get(RESULTS)
    outcome = page.context["results"]
    kent = SurveyResponse.objects.filter(force="kent")
    assert outcome.shown_base == publish(_count(kent), 10)
    cells = {cell.key: cell for cell in _table(outcome, "believed").table.cells}
    assert cells["never"].hidden
    assert cells["often"].hidden  # a 0 in a table of 28: treated as a small count
    assert cells["always"].count == publish(_count(kent.filter(choices__believed=["always"])), 10)
    assert "fewer than 10" in page.content.decode()
    # 27 of 28 felt safe "often": the table would say what nearly everyone answered.
    assert _table(outcome, "felt_safe").table.suppressed
    assert "nearly all of them gave the same answer" in page.content.decode()


def test_below_the_threshold_nothing_is_shown(client, analysts):
    _submit(client, 12, reported="yes_myself")
    _submit(client, 9, reported="yes_someone_else")
    publish_everything()
    sign_in(client, analysts["national"])
    page = client.get(RESULTS + "?reported=no")
    assert page.context["results"].suppressed
    assert "no figures can be shown" in page.content.decode()
    rows = list(csv.reader(io.StringIO(client.get(CSV + "?reported=no").content.decode())))
    assert rows[-1] == ["Respondents", "fewer than 10"]


def test_csv_has_exactly_the_figures_on_screen(client, analysts):
    _seed(count=600, seed=8)
    sign_in(client, analysts["national"])
    for query in ["", "?force=metropolitan", "?breakdown=age_band", "?reported=yes"]:
        outcome = client.get(RESULTS + query).context["results"]
        rows = list(csv.reader(io.StringIO(client.get(CSV + query).content.decode())))
        on_screen = []
        for _section, questions in outcome.sections:
            for row in questions:
                for _group, _label, table in row.groups or [("", "", row.table)]:
                    if table.suppressed:
                        on_screen.append("not shown")
                        continue
                    on_screen.append(str(table.base))
                    on_screen += [
                        "fewer than 10" if cell.hidden else str(cell.count) for cell in table.cells
                    ]
        assert [r[4] for r in rows if len(r) == 6][1:] == on_screen, query


def test_csv_cells_cannot_start_a_formula():
    assert spreadsheet_safe(["=1+1", "+x", "-2", "@SUM", "plain", 5]) == [
        "'=1+1", "'+x", "'-2", "'@SUM", "plain", 5,
    ]  # fmt: skip


def test_the_audit_log_records_what_was_published_and_is_append_only(client, analysts):
    _submit(client, 12)
    publish_everything()
    published = publish(_count(SurveyResponse.objects.all()), 10)
    sign_in(client, analysts["kent"])
    client.get(RESULTS + "?period=all&reported=yes")
    client.get(CSV)
    _submit(client, 3)
    publish_everything()
    client.get(RESULTS + "?reported=no")  # nothing published: no base at all
    entries = list(AuditEntry.objects.order_by("at"))
    assert [e.action for e in entries] == ["view results", "export results (CSV)", "view results"]
    assert entries[0].filters == {
        "force": "kent",
        "period": "all",
        "reported": True,
        "breakdown": "",
    }
    assert entries[0].base == published
    assert entries[0].base % 5 == 0
    assert entries[2].base is None
    assert entries[0].user == analysts["kent"]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[0].pk).update(action="nothing to see")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[0].pk).delete()


def test_query_count_does_not_grow_with_responses(client, analysts, django_assert_num_queries):
    sign_in(client, analysts["national"])
    _seed(count=50, seed=1)
    client.get(RESULTS)  # warm the session and user caches
    # Session, user, authenticator device, permission look-ups, the periods on offer
    # (published months and their bases), forces, the one results query, the key
    # measures, trends, free text groups, the audit entry, the session save and their
    # transaction: none per question or response.
    with django_assert_num_queries(18) as small:
        client.get(RESULTS)
    sql = "\n".join(query["sql"] for query in small.captured_queries)
    assert "surveys_untalliedresponse" not in sql  # nothing live is ever counted
    _seed(count=1000, seed=2)
    _submit(client, 3)  # queued, not yet in the tally
    with django_assert_num_queries(18):
        client.get(RESULTS)


def test_breakdown_by_an_about_you_question_counts_each_group(client, analysts):
    _seed(count=2000, force="kent", seed=4)
    sign_in(client, analysts["kent"])
    page = client.get(RESULTS + "?breakdown=age_band")
    outcome = page.context["results"]
    assert not outcome.breakdown_unavailable
    believed = {key: table for key, _label, table in _table(outcome, "believed").groups}
    group = [
        r
        for r in SurveyResponse.objects.filter(force="kent")
        if "25_34" in r.choices.get("age_band", ())
    ]
    shown = [cell for cell in believed["25_34"].cells if not cell.hidden]
    assert len(shown) >= 3
    for cell in shown:
        chose = [r for r in group if cell.key in r.choices.get("believed", ())]
        assert cell.count == publish(_count(chose), 10)
    answered = [r for r in group if "believed" in r.choices]
    assert believed["25_34"].base == publish(_count(answered), 10)
    assert "Break down by" in page.content.decode()


def test_a_breakdown_is_offered_only_when_its_own_table_shows_every_group_passes(client, analysts):
    _submit(client, 50, ethnicity="white")
    _submit(client, 40, ethnicity="asian")
    publish_everything()
    sign_in(client, analysts["kent"])
    offered = dict(client.get(RESULTS).context["results"].breakdowns)
    assert "ethnicity" not in offered  # under 100 answered: its zeros are hidden
    _submit(client, 30, ethnicity="white")
    PublishedMonth.objects.all().delete()
    publish_everything()
    page = client.get(RESULTS)
    offered = dict(page.context["results"].breakdowns)
    assert "ethnicity" in offered  # two groups of 10 or more, and zeros shown as 0
    ethnicity = _table(page.context["results"], "ethnicity").table
    assert not any(cell.hidden for cell in ethnicity.cells)
    _submit(client, 2, ethnicity="black")
    call_command("seed_responses", count=1, seed=1)  # a later month, unpublished
    PublishedMonth.objects.all().delete()
    publish_everything()
    page = client.get(RESULTS)
    assert "ethnicity" not in dict(page.context["results"].breakdowns)
    bookmarked = client.get(RESULTS + "?breakdown=ethnicity")
    assert bookmarked.status_code == 200
    assert bookmarked.context["results"].breakdown_unavailable
    assert "every group in it either empty or of at least 10 people" in bookmarked.content.decode()
    assert "Black" not in bookmarked.content.decode()


def test_force_analyst_cannot_break_down_by_force(client, analysts):
    _submit(client, 12)
    publish_everything()
    sign_in(client, analysts["kent"])
    page = client.get(RESULTS + "?breakdown=force")
    assert page.context["results"].breakdown_unavailable
    assert "force" not in dict(page.context["results"].breakdowns)


def test_national_breakdown_by_force_needs_every_force_to_pass(client, analysts):
    _submit(client, 35, believed="always")  # Kent
    _submit(client, 35, believed="never")
    _submit(client, 25, force="essex", believed="always")
    _submit(client, 25, force="essex", believed="never")
    publish_everything()
    sign_in(client, analysts["national"])
    outcome = client.get(RESULTS + "?breakdown=force").context["results"]
    groups = {key: table for key, _label, table in _table(outcome, "believed").groups}
    assert groups["dorset"].suppressed  # nobody: nothing to show
    assert not groups["essex"].suppressed
    _submit(client, 3, force="dorset")
    PublishedMonth.objects.all().delete()
    publish_everything()
    assert client.get(RESULTS + "?breakdown=force").context["results"].breakdown_unavailable


def test_breakdown_query_count_does_not_grow(client, analysts, django_assert_num_queries):
    sign_in(client, analysts["national"])
    _seed(count=500, seed=1)
    client.get(RESULTS + "?breakdown=age_band")
    with django_assert_num_queries(16) as small:
        client.get(RESULTS + "?breakdown=age_band")
    _seed(count=1000, seed=2)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(RESULTS + "?breakdown=age_band")
    # Nationally, from the counts kept when each month was published.
    sql = "\n".join(query["sql"] for query in small.captured_queries)
    assert "surveys_choices(r.choices) g" not in sql
    assert "surveys_breakdowntally" in sql


def test_free_text_needs_its_permission(client, analysts):
    _submit(client, 12, free_text="Kind officer")
    publish_everything()
    sign_in(client, analysts["kent"])
    page = client.get(RESULTS)
    assert page.context["comments"] is None
    assert "Kind officer" not in page.content.decode()
    assert "In their own words" not in page.content.decode()


def test_free_text_is_redacted_escaped_and_audited(client, analysts):
    _submit(client, 11, free_text="Email me at someone@example.org <script>alert(1)</script>")
    publish_everything()
    sign_in(client, analysts["national"])
    html = client.get(RESULTS).content.decode()
    assert "someone@example.org" not in html
    assert "[e-mail address removed]" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    entry = AuditEntry.objects.get(user=analysts["national"])
    assert entry.action == "view results and free text"


def test_exactly_the_threshold_of_respondents_and_of_comments_is_shown(client, analysts):
    _submit(client, 10, free_text="One of ten")
    _submit(client, 9, free_text="One of nine", force="essex")
    publish_everything()
    sign_in(client, analysts["national"])
    ten = client.get(RESULTS + "?force=kent").context["results"]
    assert not ten.suppressed
    assert ten.shown_base == _published_base("kent")
    # Nine: Essex has no period to offer at all (test_below_the_threshold_nothing_is_shown
    # has nine within a period that is offered).
    assert client.get(RESULTS + "?force=essex").context["results"] is None
    groups = client.get(RESULTS).context["comments"].groups
    assert [(len(group.texts), "Kent Police" in group.label) for group in groups] == [(10, True)]


def test_free_text_comes_in_whole_groups_of_at_least_the_threshold(client, analysts):
    _submit(client, 9, free_text="One of nine")
    _submit(client, 12, free_text="One of twelve", force="essex")
    _submit(client, 5, free_text=None)
    publish_everything()
    sign_in(client, analysts["national"])
    page = client.get(RESULTS)
    groups = page.context["comments"].groups
    assert [len(group.texts) for group in groups] == [12]  # Essex's, whole
    assert "Essex Police" in groups[0].label
    assert "One of nine" not in page.content.decode()
    assert client.get(RESULTS + "?force=kent").context["comments"].groups == []
    assert client.get(RESULTS + "?breakdown=age_band").context["comments"] is None
    _submit(client, 1, free_text="One of ten")  # this month: not published yet
    assert [len(g.texts) for g in client.get(RESULTS).context["comments"].groups] == [12]


def _positive_share(answered):
    """A trend point recounted: the published "always" and "often" as a share of the
    published number who answered."""
    shown = sum(
        publish(_count([r for r in answered if r.choices["believed"] == [choice]]), 10)
        for choice in ("always", "often")
    )
    return min(round(100 * shown / publish(_count(answered), 10)), 100)


def test_national_trends_come_from_protected_monthly_figures(client, analysts):
    _seed(count=4800, seed=9)
    sign_in(client, analysts["national"])
    page = client.get(RESULTS)
    trends = page.context["trends"].series
    assert [t.question.key for t in trends] == [
        "dignity_respect", "believed", "kept_informed", "good_job",
    ]  # fmt: skip
    assert "Month by month" in page.content.decode()
    believed = trends[1]
    published = list(PublishedMonth.objects.values_list("month", flat=True))
    assert [period.start for period, _percent in believed.points] == published
    period, percent = believed.shown[0]
    answered = SurveyResponse.objects.filter(
        submitted_month=period.start, choices__has_key="believed"
    )
    assert percent == _positive_share(list(answered))
    assert len(believed.dots) == len(believed.shown)
    assert sum(line.count(",") for line in believed.lines) == len(believed.shown)


def test_a_forces_trends_run_quarter_by_quarter(client, analysts):
    _seed(count=2400, force="kent", seed=9)  # about 100 a month
    sign_in(client, analysts["kent"])
    page = client.get(RESULTS)
    believed = page.context["trends"].series[1]
    assert "Quarter by quarter" in page.content.decode()
    keys = [period.key for period, _percent in believed.points]
    assert keys
    assert all("-Q" in key for key in keys)
    assert keys == sorted(keys)
    period, percent = believed.shown[0]
    answered = SurveyResponse.objects.filter(
        force="kent",
        submitted_month__gte=period.start,
        submitted_month__lt=period.end,
        choices__has_key="believed",
    )
    assert percent == _positive_share(list(answered))


def test_a_measure_with_no_period_to_show_is_not_drawn_and_says_why(client, analysts):
    this_quarter = months.quarter_start(date.today().replace(day=1))
    for back in (6, 3):  # two whole quarters, "believed" answered too thinly to show
        start = months.shift(this_quarter, -back)
        answers = [{"believed": [choice]} for choice in ["always", "often", "never"] * 4]
        store(start, [*answers, *[{"dignity_respect": [c]} for c in ["always", "often"] * 12]])
    publish_everything()
    sign_in(client, analysts["kent"])
    page = client.get(RESULTS)
    dignity, believed = page.context["trends"].series[:2]
    assert len(believed.points) >= 2
    assert dignity.shown
    assert not believed.shown
    text = page.content.decode()
    assert "No quarter or year has enough answers to show this measure" in text
    assert text.count("trend-chart") == 1  # dignity's chart alone


def test_a_trend_with_nothing_to_show_says_so_once(client, analysts):
    this_quarter = months.quarter_start(date.today().replace(day=1))
    for back in (6, 3):
        answers = [{"believed": [choice]} for choice in ["always", "often", "never"] * 4]
        store(months.shift(this_quarter, -back), answers)
    publish_everything()
    sign_in(client, analysts["kent"])
    page = client.get(RESULTS)
    assert not page.context["trends"].shown
    text = page.content.decode()
    assert "Too few people have answered yet to show these measures" in text
    assert "No quarter or year has enough answers" not in text
    assert "trend-chart" not in text


def test_periods_with_too_few_answers_are_gaps(client, analysts):
    _seed(count=300, seed=9)  # about 12 a month nationally
    sign_in(client, analysts["national"])
    trends = client.get(RESULTS).context["trends"].series
    assert any(percent is None for t in trends for _period, percent in t.points)
    for trend in trends:
        # Each gap breaks the line: no line bridges a hidden period.
        runs = "".join("x" if p is None else "." for _m, p in trend.points).split("x")
        assert len(trend.lines) == len([run for run in runs if run])


def test_frequency_scales_get_a_diverging_bar(client, analysts):
    _seed(count=3000, force="kent", seed=3)
    sign_in(client, analysts["kent"])
    outcome = client.get(RESULTS).context["results"]
    row = _table(outcome, "believed")
    segments = row.diverging
    cells = {cell.key: cell for cell in row.table.cells}
    # Half a unit per percent; "sometimes" centred on 50, "always" outermost right.
    half = cells["sometimes"].percent / 2
    assert (50 - half / 2, half, "#c8c8c8") in segments
    right = 50 + half / 2 + cells["often"].percent / 2
    assert (right, cells["always"].percent / 2, "#205a7a") in segments
    assert _table(outcome, "case_status").diverging is None  # not a scale


def test_a_diverging_bar_leaves_out_a_hidden_answer_outside_its_scale():
    question = QUESTIONNAIRE.questions["believed"]
    answers = {"always": 40, "often": 30, "sometimes": 20, "rarely": 15, "never": 12}
    counts = {key: Count(n, 1) for key, n in {**answers, "not_applicable": 3}.items()}
    table = protect(counts, Count(120, 21), 10)
    assert [cell.key for cell in table.cells if cell.hidden] == ["not_applicable"]
    row = QuestionResult(question, table, {c.key: c.label for c in question.choices})
    assert len(row.diverging) == 5


def test_a_95_percent_interval_comes_from_the_published_figures():
    assert Share.of(50, 100) == Share(50, 40, 60, 100, 50)
    assert Share.of(0, 100) == Share(0, 0, 4, 100, 0)
    wide, narrow = Share.of(10, 20), Share.of(1000, 2000)
    assert wide.high - wide.low > 35 > 5 > narrow.high - narrow.low


def test_a_forces_key_measures_sit_beside_england_and_wales(client, analysts):
    this_quarter = months.quarter_start(date.today().replace(day=1))
    start = months.shift(this_quarter, -3)

    def answers(**counts):
        return [{"believed": [choice]} for choice, n in counts.items() for _ in range(n)]

    good = answers(always=30, often=15, sometimes=10, never=5)
    poor = answers(always=30, often=30, sometimes=40, never=100)
    store(start, good, "kent")
    store(start, poor, "essex")
    publish_everything()
    sign_in(client, analysts["kent"])
    page = client.get(RESULTS, {"period": f"{start.year}-Q{start.month // 3 + 1}"})
    measures = {m.key: m for m in page.context["measures"]}
    believed = measures["believed"]
    # Each share is the table's own published figures, as the page shows them below.
    cells = {c.key: c for c in _table(page.context["results"], "believed").table.cells}
    assert believed.share.percent == round(
        100
        * (cells["always"].count + cells["often"].count)
        / _table(page.context["results"], "believed").table.base
    )
    assert believed.share.low < believed.share.percent < believed.share.high
    # 75% in Kent against about 40% in England and Wales, well outside the interval.
    assert 30 < believed.national.percent < 50
    assert believed.difference == "higher"
    assert "Higher than England and Wales" in page.content.decode()
    assert "Essex" not in page.content.decode()  # the national figure, never a force's
    assert measures["dignity_respect"].share is None  # nobody answered it
    assert measures["encourage_friend"].share is None  # asked from 2027.1 on


def test_a_view_leaves_out_only_what_cannot_happen_under_its_filters(client, analysts):
    _seed(count=3000, seed=6)
    sign_in(client, analysts["kent"])
    kent = client.get(RESULTS).context["results"]
    asked = {row.question.key: row for _s, rows in kent.sections for row in rows}
    assert "force" not in asked  # one force: every respondent chose it
    assert not {"reasons_not_reported", "force_area"} & set(asked)  # they all reported
    assert list(asked["reported"].labels) == ["yes_myself", "yes_someone_else"]
    sign_in(client, analysts["national"])
    everyone = client.get(RESULTS).context["results"]
    every = {row.question.key for _s, rows in everyone.sections for row in rows}
    assert {"force", "reasons_not_reported", "reasons_not_reported_2027", "believed"} <= every
    others = client.get(RESULTS, {"reported": "no"}).context["results"]
    theirs = {row.question.key for _s, rows in others.sections for row in rows}
    assert {"reasons_not_reported", "force_area"} <= theirs
    assert not {"force", "reported", "believed", "encourage_friend"} & theirs


def _believed(**counts):
    return [{"believed": [choice]} for choice, n in counts.items() for _ in range(n)]


def _last_whole_year_end():
    """The first day of the newest April whose year (April to March) before it has
    ended: every month of that year is published by publish_everything."""
    today = date.today().replace(day=1)
    april = date(today.year, 4, 1)
    return april if april <= today else date(today.year - 1, 4, 1)


def test_a_forces_trends_run_year_by_year_when_its_quarters_are_too_small(client, analysts):
    end = _last_whole_year_end()
    starts = [months.shift(end, -24 + 3 * n) for n in range(8)]  # two years' quarters
    for start in starts:  # each quarter's "always" and "often" too few to show
        store(start, _believed(always=6, often=6, never=6))
    publish_everything()
    sign_in(client, analysts["kent"])
    page = client.get(RESULTS)
    trends = page.context["trends"]
    assert trends.every == "year"
    assert "Year by year" in page.content.decode()
    believed = trends.series[1]
    keys = [period.key for period, _percent in believed.points]
    assert keys == [f"year-to-{end.year - 1}-03", f"year-to-{end.year}-03"]
    assert len(believed.shown) == 2
    period, percent = believed.shown[0]
    assert (period.start, period.end) == (starts[0], starts[4])
    assert period.label == f"Year ending March {end.year - 1}"
    answered = SurveyResponse.objects.filter(
        submitted_month__gte=period.start, submitted_month__lt=period.end
    )
    assert percent == _positive_share(list(answered))
    # Each year is a period of its own, as the filters offer it, compared with the one
    # before it.
    offered = [p.key for p in page.context["periods"]]
    assert keys[0] in offered
    assert keys[1] in offered
    year = client.get(RESULTS, {"period": keys[1]})
    assert year.context["results"].shown_base
    assert year.context["previous"].key == keys[0]


def test_years_run_april_to_march_and_a_year_key_is_checked(client, analysts):
    end = _last_whole_year_end()
    store(months.shift(end, -3), _believed(always=20, never=20))  # its last quarter
    publish_everything()  # from January: no whole year from April to March
    sign_in(client, analysts["kent"])
    offered = [p.key for p in client.get(RESULTS).context["periods"]]
    assert not any(key.startswith("year-") for key in offered)
    for malformed in ("year-to-2026-04", "year-to-2026-3", "year-2026-Q1", "year-to-١٩٩٩-03"):
        assert client.get(RESULTS, {"period": malformed}).status_code == 400, malformed
    unpublished = client.get(RESULTS, {"period": "year-to-2099-03"})
    assert unpublished.context["results"] is None


def _by_quarter(client, quarter):
    page = client.get(RESULTS, {"period": months.quarter_key(quarter)})
    return page, {m.key: m for m in page.context["measures"]}["believed"]


def _two_quarters(client, analyst, earlier_answers, later_answers):
    """Kent's "believed" answers in the two quarters before this one, published, with
    ``analyst`` signed in; returns the two quarters' first months."""
    this_quarter = months.quarter_start(date.today().replace(day=1))
    earlier, later = months.shift(this_quarter, -6), months.shift(this_quarter, -3)
    store(earlier, earlier_answers)
    store(later, later_answers)
    publish_everything()
    sign_in(client, analyst)
    return earlier, later


def test_key_measures_show_the_change_since_the_previous_period_when_both_show(client, analysts):
    earlier, later = _two_quarters(
        client,
        analysts["kent"],
        _believed(always=20, often=10, sometimes=10, never=40),
        _believed(always=40, often=30, sometimes=10, never=10),
    )
    page, believed = _by_quarter(client, later)
    assert page.context["previous"].key == months.quarter_key(earlier)
    _before, previous = _by_quarter(client, earlier)
    assert believed.previous == previous.share  # the earlier page's own figure
    assert believed.change == believed.share.percent - previous.share.percent > 20
    assert believed.clear_change
    text = page.content.decode()
    assert f"Change since:<br>{months.quarter_key(earlier).replace('-', ' ')}" in text
    assert f"<td>up {believed.change} points</td>" in text
    # The page says when periods appear and why a bookmark may stop working.
    assert "A month appears a week after it ends" in text
    assert "A bookmarked period may then no longer be offered" in text
    # All time has nothing before it; nor has the first quarter.
    assert client.get(RESULTS).context["previous"] is None
    assert _by_quarter(client, earlier)[0].context["previous"] is None


def test_a_small_change_is_not_called_clear(client, analysts):
    _earlier, later = _two_quarters(
        client,
        analysts["kent"],
        _believed(always=15, often=15, sometimes=15, never=15),
        _believed(always=15, often=20, sometimes=15, never=15),
    )
    page, believed = _by_quarter(client, later)
    assert believed.change is not None
    assert not believed.clear_change
    assert f"No clear change (up {believed.change} point" in page.content.decode()


def test_a_change_is_clear_only_beyond_what_sampling_and_published_noise_could_make():
    before = Share.of(20, 40)  # published figures: 50%
    # 75%: outside sampling's 95% interval alone (about 22 points), but within it once
    # the noise and rounding of four published counts are allowed for.
    assert not Measure("believed", "", Share.of(30, 40), None, before).clear_change
    assert Measure("believed", "", Share.of(35, 40), None, before).clear_change
    assert Measure("believed", "", Share.of(350, 400), None, Share.of(200, 400)).clear_change
    same = Measure("believed", "", Share.of(20, 40), None, before)
    assert (same.change, same.clear_change) == (0, False)


def test_no_change_is_shown_against_a_period_that_is_not_offered(client, analysts):
    _earlier, later = _two_quarters(
        client,
        analysts["kent"],
        _believed(always=4, never=4),  # too few: the quarter is not offered
        _believed(always=40, often=30, sometimes=10, never=10),
    )
    page, believed = _by_quarter(client, later)
    assert page.context["previous"] is None
    assert believed.previous is None
    assert "Change since" not in page.content.decode()


def test_a_bookmarked_breakdown_that_is_not_available_stays_chosen(client, analysts):
    this_quarter = months.quarter_start(date.today().replace(day=1))
    store(months.shift(this_quarter, -3), _believed(always=20, never=20))
    publish_everything()
    sign_in(client, analysts["national"])
    page = client.get(RESULTS, {"breakdown": "ethnicity"})
    assert page.context["results"].breakdown_unavailable
    assert '<option value="ethnicity" selected>' in page.content.decode()
    assert "(not available here)" in page.content.decode()


def test_the_number_of_respondents_is_written_with_a_thousands_separator(client, analysts):
    add_responses(1200)
    publish_due(PUBLISHED_ON)
    sign_in(client, analysts["national"])
    html = client.get(RESULTS).content.decode()
    assert re.search(r"About 1,[12]\d\d respondents, in months published so far\.", html)
