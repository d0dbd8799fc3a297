"""Individual responses leave the system only for the national research role, as CSV,
with free text redacted and every export audited. The floor under what it gives (whole
quarters, a minimum of rows, no stored ids) is tested in tests/test_research_floor.py."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from surveys import tokens
from surveys.export import RESEARCH_MINIMUM_ROWS, research_months
from surveys.models import AuditEntry, SurveyResponse
from surveys.publication import publish_due
from surveys.questionnaire import QUESTIONNAIRE, Kind
from tests.research_data import PUBLISHED_ON, QUARTER, add_responses, move_to_quarter
from tests.staff import sign_in
from tests.survey_data import posted_answers, submission

EXPORT = reverse("admin:responses_csv")
RESULTS = reverse("admin:results")
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(monkeypatch, django_user_model):
    monkeypatch.setenv("ANALYST_PASSWORD", "a-long-enough-password-9")
    call_command("create_analyst", "researcher", national=True, research=True)
    call_command("create_analyst", "nat-analyst", national=True)
    call_command("create_analyst", "kent-analyst", force="kent")
    return {user.username: user for user in django_user_model.objects.all()}


def _rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def _post(client, **answers):
    data = submission(tokens.issue(), **answers)
    client.post(reverse("surveys:survey"), data)
    return data


def test_researcher_gets_one_row_per_response_with_every_answer(client, staff):
    kent = _post(client, force="kent", free_text="Ring me on 07700 900123 please")
    not_reported = _post(client, reported="no", free_text="=HYPERLINK(1)")
    move_to_quarter(SurveyResponse.objects.all())
    # Comments reach staff only from groups of at least 10 (force, quarter, reported).
    add_responses(9, force="kent", free_text="Kent {number}")
    add_responses(9, force=None, reported=False, free_text="Not reported {number}")
    add_responses(RESEARCH_MINIMUM_ROWS - 20, force="dorset", free_text="filler {number}")
    publish_due(PUBLISHED_ON)
    sign_in(client, staff["researcher"])
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="responses.csv"'
    header, *rows = _rows(response)
    assert header[:5] == ["row", "quarter", "force", "reported", "questionnaire_version"]
    assert "age_18_or_over" not in header
    assert len(rows) == RESEARCH_MINIMUM_ROWS
    by_text = {row[header.index("free_text")]: row for row in rows}
    posted = {
        "Ring me on [phone number removed] please": (kent, True),
        "'=HYPERLINK(1)": (not_reported, False),  # not a formula
    }
    for text, (data, reported) in posted.items():
        # The fixed columns by position: the questions include one called "reported".
        assert by_text[text][1:4] == [
            QUARTER,
            data.get("force") or "",
            "yes" if reported else "no",
        ]
        row = dict(zip(header, by_text[text], strict=True))
        for key, value in posted_answers(data).items():
            if key == "free_text":
                continue
            assert row[key] == ("; ".join(sorted(value)) if isinstance(value, list) else value)
    assert by_text["Ring me on [phone number removed] please"][2] == "kent"


def test_export_follows_the_filters_and_is_audited(client, staff):
    add_responses(RESEARCH_MINIMUM_ROWS, force="kent")
    add_responses(10, force="kent", reported=False)
    add_responses(RESEARCH_MINIMUM_ROWS, force="dorset")
    publish_due(PUBLISHED_ON)
    sign_in(client, staff["researcher"])
    _header, *rows = _rows(client.get(EXPORT + "?force=kent&reported=yes"))
    assert {(row[2], row[3]) for row in rows} == {("kent", "yes")}
    assert len(rows) == RESEARCH_MINIMUM_ROWS
    entry = AuditEntry.objects.get(action="export responses (CSV)")
    assert entry.user == staff["researcher"]
    assert entry.base == RESEARCH_MINIMUM_ROWS
    assert entry.filters == {
        "force": "kent",
        "period": "all",
        "reported": True,
        "breakdown": "",
    }


def test_only_researchers_may_export_or_see_the_link(client, staff):
    _post(client)
    for username in ["nat-analyst", "kent-analyst"]:
        sign_in(client, staff[username])
        assert client.get(EXPORT).status_code == 403
        assert EXPORT not in client.get(RESULTS).content.decode()
    assert not AuditEntry.objects.filter(action="export responses (CSV)").exists()
    sign_in(client, staff["researcher"])
    assert EXPORT in client.get(RESULTS).content.decode()


def test_without_the_free_text_permission_the_export_leaves_free_text_out(client, staff):
    add_responses(RESEARCH_MINIMUM_ROWS, free_text="Something personal {number}")
    publish_due(PUBLISHED_ON)
    researcher = staff["researcher"]
    researcher.user_permissions.add(Permission.objects.get(codename="view_results"))
    researcher.groups.get(name="National analysts").permissions.remove(
        Permission.objects.get(codename="view_free_text")
    )
    sign_in(client, researcher)
    header, *rows = _rows(client.get(EXPORT))
    assert len(rows) == RESEARCH_MINIMUM_ROWS
    assert "free_text" not in header
    assert "Something personal" not in str(rows)
    text_questions = [q.key for q in QUESTIONNAIRE.stored_questions if q.kind is Kind.TEXT]
    assert not set(text_questions) & set(header)
    # Every other question keeps its column.
    others = [q.key for q in QUESTIONNAIRE.stored_questions if q.key not in text_questions]
    assert header[5:] == others


def test_export_reads_responses_in_chunks_not_one_query_each(
    client, staff, django_assert_max_num_queries
):
    call_command("seed_responses", count=300, seed=3)
    publish_due()
    exported = SurveyResponse.objects.filter(submitted_month__in=research_months()).count()
    assert exported >= RESEARCH_MINIMUM_ROWS
    sign_in(client, staff["researcher"])
    client.get(reverse("admin:index"))  # warm the session
    # Session, user, device, permissions, published months, the count, the audit (and
    # its transaction), the comment groups that may be published, then one query for
    # a chunk of responses.
    with django_assert_max_num_queries(14):
        response = client.get(EXPORT)
        assert len(_rows(response)) == exported + 1


def test_research_pages_check_the_national_scope_themselves(client, staff, django_user_model):
    """A force analyst given the research permissions directly (not through
    create_analyst's national groups) still sees no individual response."""
    kent = staff["kent-analyst"]
    kent.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_surveyresponse", "export_responses"])
    )
    kent = django_user_model.objects.get(pk=kent.pk)  # permissions are cached per object
    assert kent.has_perm("surveys.view_surveyresponse")
    add_responses(RESEARCH_MINIMUM_ROWS, force="kent")
    response = SurveyResponse.objects.first()
    sign_in(client, kent)
    assert client.get(EXPORT).status_code == 403
    assert EXPORT not in client.get(RESULTS).content.decode()
    assert client.get(reverse("admin:surveys_surveyresponse_changelist")).status_code == 403
    change = reverse("admin:surveys_surveyresponse_change", args=[response.pk])
    assert client.get(change).status_code == 403
    assert "surveys/surveyresponse" not in client.get(reverse("admin:index")).content.decode()
