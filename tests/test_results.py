"""The analysts' results pages: force scoping, disclosure control, CSV, audit, queries."""

import csv
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.urls import reverse

from surveys import tokens
from surveys.disclosure import round_count
from surveys.export import spreadsheet_safe
from surveys.models import AnswerTally, AuditEntry, Response
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


def _force_base(force):
    tallies = AnswerTally.objects.filter(question="", choice="")
    if force:
        tallies = tallies.filter(force=force)
    return sum(tallies.values_list("responses", flat=True))


def test_force_analyst_sees_only_their_force_whatever_the_query(client, analysts):
    call_command("seed_responses", count=800, seed=5)
    sign_in(client, analysts["kent"])
    for query in ["", "?force=dorset", "?force=", "?force=../x"]:
        page = client.get(RESULTS + query)
        assert page.status_code == 200
        assert page.context["filters"].force == "kent"
        assert page.context["results"].base == _force_base("kent")
        assert "Kent Police" in page.content.decode()
        assert page.context["forces"] is None  # no force chooser


def test_national_analyst_sees_every_force_or_one(client, analysts):
    call_command("seed_responses", count=400, seed=5)
    sign_in(client, analysts["national"])
    assert client.get(RESULTS).context["results"].base == 400
    page = client.get(RESULTS + "?force=dorset")
    assert page.context["results"].base == _force_base("dorset")


def test_results_need_the_permission(client, django_user_model, analysts):
    assert client.get(RESULTS).status_code == 302  # to the sign-in page
    staff = django_user_model.objects.create_user("staff", password="x" * 20, is_staff=True)
    sign_in(client, staff)
    assert client.get(RESULTS).status_code == 403
    assert client.get(CSV).status_code == 403
    assert "results-module" not in client.get(reverse("admin:index")).content.decode()


def test_force_analyst_cannot_browse_individual_responses(client, analysts):
    sign_in(client, analysts["kent"])
    assert client.get(reverse("admin:surveys_response_changelist")).status_code == 403
    assert client.get(reverse("admin:surveys_auditentry_changelist")).status_code == 403
    assert "results-module" in client.get(reverse("admin:index")).content.decode()


def test_small_cells_are_hidden_with_a_partner_and_counts_rounded(client, analysts):
    _submit(client, 11, believed="always", felt_safe="often")
    _submit(client, 1, believed="never", felt_safe="often")
    sign_in(client, analysts["kent"])
    page = client.get(RESULTS)
    outcome = page.context["results"]
    assert outcome.shown_base == 10
    believed = next(
        row.table
        for _s, rows in outcome.sections
        for row in rows
        if row.question.key == "believed"
    )
    cells = {cell.key: cell for cell in believed.cells}
    assert cells["never"].hidden
    # "always" (11) would give "never" away by subtraction, so it is hidden too;
    # zeros stay visible and are never chosen as the partner.
    assert cells["always"].hidden
    assert cells["often"].count == 0
    assert "fewer than 10" in page.content.decode()


def test_below_the_threshold_nothing_is_shown(client, analysts):
    _submit(client, 9)
    sign_in(client, analysts["kent"])
    page = client.get(RESULTS)
    assert page.context["results"].suppressed
    assert "no figures can be shown" in page.content.decode()
    rows = list(csv.reader(io.StringIO(client.get(CSV).content.decode())))
    assert rows[-1] == ["Respondents", "fewer than 10"]


def test_csv_has_exactly_the_figures_on_screen(client, analysts):
    _submit(client, 11, believed="always")
    _submit(client, 1, believed="never")
    sign_in(client, analysts["kent"])
    rows = list(csv.reader(io.StringIO(client.get(CSV).content.decode())))
    believed = {r[3]: r[4] for r in rows if len(r) == 6 and r[1] == "believe you?"}
    assert believed["Never"] == believed["Always"] == "fewer than 10"
    assert believed["Often"] == "0"
    assert ["Respondents", "10"] in rows


def test_csv_cells_cannot_start_a_formula():
    assert spreadsheet_safe(["=1+1", "+x", "-2", "@SUM", "plain", 5]) == [
        "'=1+1", "'+x", "'-2", "'@SUM", "plain", 5,
    ]  # fmt: skip


def test_every_view_and_export_is_audited_and_the_log_is_append_only(client, analysts):
    _submit(client, 12)
    sign_in(client, analysts["kent"])
    client.get(RESULTS + "?period=all&reported=yes")
    client.get(CSV)
    entries = list(AuditEntry.objects.order_by("at"))
    assert [e.action for e in entries] == ["view results", "export results (CSV)"]
    assert entries[0].filters == {
        "force": "kent",
        "period": "all",
        "reported": True,
        "breakdown": "",
    }
    assert entries[0].base == 12
    assert entries[0].user == analysts["kent"]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[0].pk).update(action="nothing to see")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[0].pk).delete()


def test_periods_are_whole_months_or_quarters(client, analysts):
    _submit(client, 12)
    sign_in(client, analysts["kent"])
    page = client.get(RESULTS + "?period=2026-13")
    assert page.context["filters"].period.key == "all"  # not a period: all time
    keys = [p.key for p in page.context["periods"]]
    month = AnswerTally.objects.first().month
    assert f"{month.year}-{month.month:02d}" in keys
    assert f"{month.year}-Q{(month.month - 1) // 3 + 1}" in keys


def test_query_count_does_not_grow_with_responses(client, analysts, django_assert_num_queries):
    sign_in(client, analysts["national"])
    call_command("seed_responses", count=50, seed=1)
    client.get(RESULTS)  # warm the session and user caches
    # Session, user, authenticator device, two permission look-ups, counting the queued
    # responses into the tally, months, forces, the one results query, trends, free
    # text, the audit entry, the session save and their transaction: none per question
    # or response.
    with django_assert_num_queries(15):
        client.get(RESULTS)
    call_command("seed_responses", count=1000, seed=2)
    _submit(client, 3)  # queued, not yet in the tally
    with django_assert_num_queries(15):
        client.get(RESULTS)


def _table(outcome, question):
    return next(
        row for _s, rows in outcome.sections for row in rows if row.question.key == question
    )


def test_breakdown_by_an_about_you_question_counts_each_group(client, analysts):
    call_command("seed_responses", count=1500, force="kent", seed=4)
    sign_in(client, analysts["kent"])
    page = client.get(RESULTS + "?breakdown=ethnicity")
    outcome = page.context["results"]
    assert [key for key, _label in outcome.groups][:2] == ["asian", "black"]
    believed = {key: table for key, _label, table in _table(outcome, "believed").groups}
    white = [
        response.choices
        for response in Response.objects.filter(force="kent")
        if "white" in response.choices.get("ethnicity", ())
    ]
    answers = Counter(choice for given in white for choice in given.get("believed", ()))
    shown = [cell for cell in believed["white"].cells if not cell.hidden]
    assert len(shown) >= 3
    for cell in shown:
        assert cell.count == round_count(answers[cell.key])
    assert believed["white"].base == round_count(sum(1 for given in white if "believed" in given))
    assert "Break down by" in page.content.decode()


def test_force_analyst_cannot_break_down_by_force(client, analysts):
    _submit(client, 12)
    sign_in(client, analysts["kent"])
    page = client.get(RESULTS + "?breakdown=force")
    assert page.context["filters"].breakdown == ""
    assert "force" not in dict(page.context["breakdowns"])


def test_national_breakdown_by_force_suppresses_small_forces(client, analysts):
    _submit(client, 30)  # Kent
    _submit(client, 20, force="essex")
    _submit(client, 3, force="dorset")
    sign_in(client, analysts["national"])
    outcome = client.get(RESULTS + "?breakdown=force").context["results"]
    groups = {key: table for key, _label, table in _table(outcome, "believed").groups}
    assert groups["dorset"].suppressed
    # Overall minus the shown forces would give Dorset away: the next smallest goes too.
    assert groups["essex"].suppressed
    assert groups["kent"].base == 30
    rows = list(csv.reader(io.StringIO(client.get(CSV + "?breakdown=force").content.decode())))
    dorset = [
        r for r in rows if len(r) == 6 and r[1] == "believe you?" and r[2] == "Dorset Police"
    ]
    assert dorset == [
        ["How you were treated", "believe you?", "Dorset Police", "", "fewer than 10", ""]
    ]


def test_breakdown_query_count_does_not_grow(client, analysts, django_assert_num_queries):
    sign_in(client, analysts["national"])
    call_command("seed_responses", count=50, seed=1)
    client.get(RESULTS + "?breakdown=age_band")
    # The breakdown replaces free text: the months, which of them have kept counts, the
    # kept counts, and one count of the answers for the months that have none.
    with django_assert_num_queries(17) as small:
        client.get(RESULTS + "?breakdown=age_band")
    call_command("seed_responses", count=1000, seed=2)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(RESULTS + "?breakdown=age_band")
    call_command("refresh_breakdowns")
    with django_assert_num_queries(len(small.captured_queries)) as kept:
        client.get(RESULTS + "?breakdown=age_band")
    # With every month's counts kept, the kept counts replace the count of the answers.
    for queries, counted, read in [(small, True, False), (kept, False, True)]:
        sql = "\n".join(query["sql"] for query in queries.captured_queries)
        assert ("surveys_choices(r.choices) g" in sql) is counted
        assert ("surveys_breakdowntally" in sql) is read


def test_free_text_needs_its_permission(client, analysts):
    _submit(client, 12, free_text="Kind officer")
    sign_in(client, analysts["kent"])
    page = client.get(RESULTS)
    assert page.context["free_texts"] is None
    assert "Kind officer" not in page.content.decode()
    assert "In their own words" not in page.content.decode()


def test_free_text_is_redacted_escaped_and_audited(client, analysts):
    _submit(client, 11, free_text="Email me at someone@example.org <script>alert(1)</script>")
    sign_in(client, analysts["national"])
    html = client.get(RESULTS).content.decode()
    assert "someone@example.org" not in html
    assert "[e-mail address removed]" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    entry = AuditEntry.objects.get(user=analysts["national"])
    assert entry.action == "view results and free text"


def test_free_text_hidden_when_few_wrote_or_broken_down(client, analysts):
    _submit(client, 9, free_text="Only a few of us")
    _submit(client, 5, free_text=None)
    sign_in(client, analysts["national"])
    page = client.get(RESULTS)
    assert page.context["free_texts"] is None
    assert "Only a few of us" not in page.content.decode()
    _submit(client, 5, free_text="Only a few of us")
    assert client.get(RESULTS).context["free_texts"] is not None
    assert client.get(RESULTS + "?breakdown=age_band").context["free_texts"] is None


def test_headline_trends_come_from_protected_monthly_figures(client, analysts):
    call_command("seed_responses", count=2400, force="kent", seed=9)
    sign_in(client, analysts["kent"])
    trends = client.get(RESULTS).context["trends"]
    assert [t.question.key for t in trends] == [
        "dignity_respect", "believed", "kept_informed", "good_job",
    ]  # fmt: skip
    believed = trends[1]
    assert len(believed.points) == 24
    month, percent = believed.shown[0]
    tallies = AnswerTally.objects.filter(force="kent", month=month, question="believed")
    answered = sum(t.responses for t in tallies.exclude(choice=""))  # single choice
    positive = sum(
        round_count(t.responses) for t in tallies.filter(choice__in=["always", "often"])
    )
    assert percent == round(100 * positive / round_count(answered))
    assert len(believed.dots) == len(believed.shown)
    assert sum(line.count(",") for line in believed.lines) == len(believed.shown)


def test_months_with_too_few_answers_are_gaps(client, analysts):
    call_command("seed_responses", count=300, force="kent", seed=9)  # ~12 a month
    sign_in(client, analysts["kent"])
    trends = client.get(RESULTS).context["trends"]
    assert any(percent is None for t in trends for _month, percent in t.points)
    for trend in trends:
        # Each gap month breaks the line: no line bridges a hidden month.
        runs = "".join("x" if p is None else "." for _m, p in trend.points).split("x")
        assert len(trend.lines) == len([run for run in runs if run])


def test_frequency_scales_get_a_diverging_bar(client, analysts):
    _submit(client, 20, believed="always")
    _submit(client, 10, believed="never")
    _submit(client, 10, believed="sometimes")
    sign_in(client, analysts["kent"])
    outcome = client.get(RESULTS).context["results"]
    segments = _table(outcome, "believed").diverging
    # 40 answered: sometimes 25% centred on 50 (half a unit per percent), never 25% to
    # its left, always 50% to its right.
    assert (43.75, 12.5, "#c8c8c8") in segments  # sometimes
    assert (31.25, 12.5, "#b6321c") in segments  # never, outermost left
    assert (56.25, 25.0, "#205a7a") in segments  # always, outermost right
    assert _table(outcome, "case_status").diverging is None  # not a scale
