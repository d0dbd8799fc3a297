"""Individual responses leave the system only for the national research role, as CSV,
with free text redacted and every export audited."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from surveys import tokens
from surveys.models import AuditEntry, Response
from surveys.questionnaire import QUESTIONNAIRE, Kind
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
    sign_in(client, staff["researcher"])
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="responses.csv"'
    header, *rows = _rows(response)
    assert header[:5] == ["response", "month", "force", "reported", "questionnaire_version"]
    assert "age_18_or_over" not in header
    assert len(rows) == 2
    by_reported = {row[3]: dict(zip(header, row, strict=True)) for row in rows}
    for reported, posted in [("yes", kent), ("no", not_reported)]:
        row = by_reported[reported]
        stored = Response.objects.get(reported=reported == "yes")
        assert row["response"] == str(stored.pk)
        assert row["force"] == (stored.force_id or "")
        for key, value in posted_answers(posted).items():
            if key == "free_text":
                continue
            assert row[key] == ("; ".join(sorted(value)) if isinstance(value, list) else value)
    assert by_reported["yes"]["force"] == "kent"
    assert by_reported["yes"]["free_text"] == "Ring me on [phone number removed] please"
    assert by_reported["no"]["free_text"] == "'=HYPERLINK(1)"  # not a formula
    # Rows in random-id order, never the order they were stored in.
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)


def test_export_follows_the_filters_and_is_audited(client, staff):
    for force in ["kent", "kent", "dorset"]:
        _post(client, force=force)
    sign_in(client, staff["researcher"])
    _header, *rows = _rows(client.get(EXPORT + "?force=kent&reported=yes"))
    assert {row[2] for row in rows} == {"kent"}
    assert len(rows) == 2
    entry = AuditEntry.objects.get(action="export responses (CSV)")
    assert entry.user == staff["researcher"]
    assert entry.base == 2
    assert entry.filters["force"] == "kent"


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
    _post(client, free_text="Something personal")
    researcher = staff["researcher"]
    researcher.user_permissions.add(Permission.objects.get(codename="view_results"))
    researcher.groups.get(name="National analysts").permissions.remove(
        Permission.objects.get(codename="view_free_text")
    )
    sign_in(client, researcher)
    header, row = _rows(client.get(EXPORT))
    assert "free_text" not in header
    assert "Something personal" not in ",".join(row)
    text_questions = [q.key for q in QUESTIONNAIRE.stored_questions if q.kind is Kind.TEXT]
    assert not set(text_questions) & set(header)


def test_export_reads_responses_in_chunks_not_one_query_each(
    client, staff, django_assert_max_num_queries
):
    call_command("seed_responses", count=300, seed=3)
    sign_in(client, staff["researcher"])
    client.get(RESULTS)  # warm the session and permission caches
    # Session, user, device, permissions, audit (+ its count and transaction), then one
    # query for a chunk of responses and one for their answers.
    with django_assert_max_num_queries(12):
        response = client.get(EXPORT)
        assert len(_rows(response)) == 301
