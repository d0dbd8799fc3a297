"""The floor under research access (docs/disclosure.md, "Research access"): the
national research role sees individual responses, in the admin and in responses.csv,
but only of wholly published quarters, each row with its quarter and never its month
or stored id, never fewer rows than RESEARCH_MINIMUM_ROWS, free text only with its own
permission and redacted; and no query string, however malformed, gets a 500."""

import csv
import io
import re
from urllib.parse import quote_from_bytes, urlencode

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from surveys.admin import ResponseAdmin
from surveys.export import RESEARCH_MINIMUM_ROWS, covers_whole_quarters
from surveys.filters import Period
from surveys.models import AuditEntry, SurveyResponse
from surveys.publication import publish_due
from surveys.redaction import redact
from tests.research_data import (
    PART_QUARTER_MONTH,
    PUBLISHED_ON,
    QUARTER,
    QUARTER_LABEL,
    QUARTER_MONTHS,
    UNPUBLISHED_MONTH,
    add_responses,
)
from tests.staff import sign_in

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:responses_csv")
LIST = reverse("admin:surveys_surveyresponse_changelist")
SMALL = 20  # dorset's responses: under the floor


@pytest.fixture
def researcher(client, monkeypatch, django_user_model):
    """A national researcher, signed in: results, free text, responses and export."""
    monkeypatch.setenv("ANALYST_PASSWORD", "a-long-enough-password-9")
    call_command("create_analyst", "researcher", national=True, research=True)
    user = django_user_model.objects.get(username="researcher")
    sign_in(client, user)
    return user


@pytest.fixture
def published():
    """Kent: exactly the floor, with free text to redact; Dorset: under it; and rows
    researchers must never see, in a quarter only partly published and in a month not
    published at all. Returns the responses by where they are."""
    kent = add_responses(RESEARCH_MINIMUM_ROWS, free_text="Kent {number}: ring 07700 900123")
    dorset = add_responses(SMALL, force="dorset", free_text="Dorset {number}")
    part = add_responses(60, months=[PART_QUARTER_MONTH], free_text="April {number}")
    unpublished = add_responses(60, months=[UNPUBLISHED_MONTH], free_text="May {number}")
    assert PART_QUARTER_MONTH in publish_due(PUBLISHED_ON)
    return {"kent": kent, "dorset": dorset, "part": part, "unpublished": unpublished}


def _rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def _export(client, query=""):
    response = client.get(EXPORT + query)
    assert response.status_code == 200, response.content.decode()
    header, *rows = _rows(response)
    return header, rows


# The research export.


def test_export_refuses_a_selection_under_the_minimum_and_says_so(client, researcher, published):
    _header, rows = _export(client, "?force=kent")
    assert len(rows) == 50  # the floor itself (README: at least 50 responses) is enough
    refused = client.get(EXPORT + "?force=dorset")
    assert refused.status_code == 400
    assert refused["Content-Type"].startswith("text/html")
    page = refused.content.decode()
    assert f"fewer than {RESEARCH_MINIMUM_ROWS} responses" in page
    assert "Widen the filters" in page
    assert "Dorset 0" not in page
    assert f">{SMALL}<" not in page  # not even how many
    assert f" {SMALL} " not in page
    entry = AuditEntry.objects.get(action="export responses (CSV) refused")
    assert (entry.user, entry.base, entry.filters["force"]) == (researcher, None, "dorset")


def test_export_gives_quarters_and_refuses_a_month(client, researcher, published):
    header, rows = _export(client, f"?period={QUARTER}")
    assert header[1] == "quarter"
    assert "month" not in header
    assert {row[1] for row in rows} == {QUARTER}
    assert len(rows) == RESEARCH_MINIMUM_ROWS + SMALL
    refused = client.get(EXPORT + f"?period={QUARTER_MONTHS[0]:%Y-%m}")
    assert refused.status_code == 400
    assert "covers whole quarters" in refused.content.decode()
    assert b"Kent 0" not in refused.content
    entry = AuditEntry.objects.get(action="export responses (CSV) refused")
    assert entry.filters["period"] == f"{QUARTER_MONTHS[0]:%Y-%m}"


def test_export_numbers_its_rows_and_never_shows_a_stored_id(client, researcher, published):
    _header, rows = _export(client)
    text = str(rows)
    for response in SurveyResponse.objects.all():
        assert str(response.id) not in text
        assert str(response.id)[:8] not in text
    assert [row[0] for row in rows] == [str(n) for n in range(1, len(rows) + 1)]
    # Random-id order: unrelated to the order the rows were stored (and numbered) in.
    in_id_order = SurveyResponse.objects.filter(submitted_month__in=QUARTER_MONTHS).order_by("id")
    assert [row[-1] for row in rows] == [redact(r.free_text) for r in in_id_order]


def test_export_leaves_out_a_part_published_quarter_and_unpublished_months(
    client, researcher, published
):
    _header, rows = _export(client)
    assert len(rows) == RESEARCH_MINIMUM_ROWS + SMALL
    texts = {row[-1] for row in rows}
    assert not any(text.startswith(("April", "May")) for text in texts)
    assert client.get(EXPORT + "?period=2025-Q2").status_code == 400  # April alone


def test_export_redacts_free_text(client, researcher, published):
    _header, rows = _export(client, "?force=kent")
    assert {row[-1] for row in rows} == {
        f"Kent {n}: ring [phone number removed]" for n in range(RESEARCH_MINIMUM_ROWS)
    }


def test_export_is_audited_with_its_filters_and_rows(client, researcher, published):
    _export(client, f"?period={QUARTER}&reported=yes")
    entry = AuditEntry.objects.get(action="export responses (CSV)")
    assert entry.user == researcher
    assert entry.base == RESEARCH_MINIMUM_ROWS + SMALL
    assert entry.filters == {
        "force": None,
        "period": QUARTER,
        "reported": True,
        "breakdown": "",
    }


# The admin's response list and pages.


def _ids(page):
    return set(re.findall(r"/admin/surveys/surveyresponse/([0-9a-f-]{36})/change/", page))


def test_list_shows_only_wholly_published_quarters(client, researcher, published):
    page = client.get(LIST).content.decode()
    shown = _ids(page)
    assert shown == {str(r.id) for r in published["kent"] + published["dorset"]}
    assert QUARTER_LABEL in page
    assert "2025 Q2" not in page  # neither in the column nor among the filters
    for month in ["January", "February", "March", "April", "May"]:
        assert month not in page
    unpublished = published["unpublished"][0]
    change = client.get(reverse("admin:surveys_surveyresponse_change", args=[unpublished.pk]))
    assert change.status_code == 302  # "doesn't exist", as for any unknown id
    part = published["part"][0]
    change = client.get(reverse("admin:surveys_surveyresponse_change", args=[part.pk]))
    assert change.status_code == 302


def test_quarter_filter_offers_quarters_without_counts(client, researcher, published):
    page = client.get(LIST).content.decode()
    assert f'href="?quarter={QUARTER}"' in page
    assert "quarter submitted" in page.lower()
    assert "month submitted" not in page.lower()
    assert "submitted_month" not in page
    assert not re.search(r"\(\d+\)", page)  # no facet counts beside any choice
    assert "Show counts" not in page
    filtered = client.get(LIST + f"?quarter={QUARTER}&force__slug__exact=kent")
    assert _ids(filtered.content.decode()) == {str(r.id) for r in published["kent"]}


def test_list_under_the_floor_shows_no_rows_and_no_count(client, researcher, published):
    page = client.get(LIST + "?force__slug__exact=dorset")
    assert page.status_code == 200
    html = page.content.decode()
    assert not _ids(html)
    assert f"fewer than {RESEARCH_MINIMUM_ROWS} responses" in html
    assert "Widen the filters" in html
    assert not re.search(rf"\b{SMALL}\b", re.sub(r"<[^>]*>", " ", html))  # nor how many
    assert AuditEntry.objects.filter(action="browse responses refused").exists()
    enough = client.get(LIST + "?force__slug__exact=kent").content.decode()
    assert _ids(enough) == {str(r.id) for r in published["kent"]}


def test_response_page_shows_its_quarter_and_redacted_free_text(client, researcher, published):
    response = published["kent"][7]
    url = reverse("admin:surveys_surveyresponse_change", args=[response.pk])
    page = client.get(url).content.decode()
    assert QUARTER_LABEL in page
    assert "January 2025" not in page
    assert "February 2025" not in page
    assert "Kent 7: ring [phone number removed]" in page
    assert "07700" not in page


def test_response_page_shows_no_free_text_without_its_permission(client, researcher, published):
    researcher.groups.get(name="National analysts").permissions.remove(
        Permission.objects.get(codename="view_free_text")
    )
    response = published["kent"][7]
    page = client.get(reverse("admin:surveys_surveyresponse_change", args=[response.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "treat you with dignity and respect?" in html  # the other answers are there
    assert "Kent 7" not in html
    assert "phone number removed" not in html


MALFORMED = [
    "?force__slug__exact=%00",
    "?reported__exact=%00",
    "?quarter=%00",
    "?quarter=2025-01",
    "?quarter=2025-Q5",
    "?quarter=99999-Q1",
    "?reported__exact=1&reported__exact=0",
    "?quarter=2025-Q1&quarter=2025-Q1",
    "?force__slug__exact=atlantis",
    "?submitted_month__exact=2025-01-01",
    "?submitted_month=2025-01-01%00",
    "?o=99",
    "?o=1.x",
    "?o=%00",
    "?p=-1",
    "?p=%00",
    "?q=kent",
    "?e=1",
    "?_facets=True",
    "?%00=1",
    "?all=1",
    "?free_text__contains=ring",
]


@pytest.mark.parametrize("query", MALFORMED)
def test_malformed_list_query_strings_get_a_clear_400_page(client, researcher, published, query):
    page = client.get(LIST + query)
    assert page.status_code == 400
    html = page.content.decode()
    if "%00" in query:  # every admin URL refuses a NUL character before its view
        assert "These filters could not be read" in html
    else:
        assert "This list of responses could not be read" in html
        assert "Start again from the list of responses" in html
    assert not _ids(html)


def test_a_page_past_the_last_gets_a_400_page_not_a_redirect(
    client, researcher, published, monkeypatch
):
    """Django sends a page number it cannot use to ?e=1, and then to a "database
    error" page; the list says what is wrong instead."""
    monkeypatch.setattr(ResponseAdmin, "list_per_page", 10)
    assert client.get(LIST + "?p=7").status_code == 200  # 70 rows
    page = client.get(LIST + "?p=8")
    assert page.status_code == 400
    assert "The page of responses asked for does not exist." in page.content.decode()


def _links(page):
    return {link.replace("&amp;", "&") for link in re.findall(r'href="(\?[^"]*)"', page)}


def test_every_link_on_the_list_works(client, researcher, published):
    """The checks refuse nothing the list itself links to: each filter, each sort, and
    the links of a sorted list (sorting by two columns, reversing, unsorting)."""
    links = _links(client.get(LIST).content.decode())
    assert len(links) > 10
    for link in links:
        page = client.get(LIST + link)
        assert page.status_code == 200, link
        if "o=" in link:
            for deeper in _links(page.content.decode()):
                assert client.get(LIST + deeper).status_code == 200, deeper


# Random query strings: never a 500.

hostile_text = st.one_of(
    st.sampled_from(
        [
            "",
            "\x00",
            "kent",
            "dorset",
            "1",
            "0",
            "True",
            QUARTER,
            "2025-01",
            "all",
            "yes",
            "-1",
            "1.2.-3",
            str(10**30),
            "9" * 5000,
            "é",
            "\U0001f600",
            "١",
        ]
    ),
    st.text(max_size=20),
)
hostile_keys = st.one_of(
    st.sampled_from(
        [
            "quarter",
            "force__slug__exact",
            "force__isnull",
            "reported__exact",
            "o",
            "p",
            "all",
            "e",
            "q",
            "_facets",
            "force",
            "period",
            "reported",
            "breakdown",
            "submitted_month",
            "submitted_month__gte",
            "id__startswith",
        ]
    ),
    st.text(max_size=10),
)
query_strings = st.one_of(
    st.lists(st.tuples(hostile_keys, hostile_text), max_size=6).map(urlencode),
    st.binary(max_size=30).map(quote_from_bytes),
)


def test_random_query_strings_on_the_list_and_export_are_never_a_500(
    client, researcher, published
):
    """Django's test client re-raises what a view lets escape, so a 500 fails here
    before the status is looked at."""

    @hypothesis_settings(max_examples=200, deadline=None)
    @given(st.sampled_from([LIST, EXPORT]), query_strings)
    @example(LIST, "force__slug__exact=%00")
    @example(EXPORT, "force=%00&period=%00")
    @example(LIST, "o=" + "9" * 5000)
    def send(path, query):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 400), (path, query, response.status_code)

    send()


@pytest.mark.parametrize(
    ("key", "whole"),
    [("all", True), ("2026-Q2", True), ("year-to-2026-03", True), ("2026-04", False)],
)
def test_a_research_export_may_cover_a_quarter_a_year_or_all_time_never_a_month(key, whole):
    assert covers_whole_quarters(Period.parse(key)) is whole
