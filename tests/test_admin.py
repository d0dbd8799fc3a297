"""The read-only admin pages for individual responses, here as a superuser sees them
(tests/test_research_floor.py: the research role and the floor under what it sees)."""

import pytest
from django.urls import reverse

from surveys.export import RESEARCH_MINIMUM_ROWS
from surveys.models import AuditEntry, SurveyResponse
from surveys.publication import publish_due
from tests.research_data import PUBLISHED_ON, QUARTER_LABEL, add_responses, move_to_quarter
from tests.staff import sign_in
from tests.survey_data import submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(client, token):
    """A posted response, published with enough others for the list to show them."""
    client.post(
        reverse("surveys:survey"), submission(token, free_text="<script>alert(1)</script>")
    )
    response = SurveyResponse.objects.get()
    move_to_quarter([response])
    # Its comment's group (Kent, the quarter, reporters) holds 10: it may be shown.
    add_responses(9, free_text="Another comment {number}")
    add_responses(RESEARCH_MINIMUM_ROWS - 10)
    publish_due(PUBLISHED_ON)
    return response


def test_superuser_sees_a_stored_response_with_its_answers_escaped(admin_client, stored):
    page = admin_client.get(reverse("admin:surveys_surveyresponse_change", args=[stored.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "treat you with dignity and respect?" in html
    assert "Kent Police" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert 'name="_save"' not in html  # read-only


def test_responses_cannot_be_added_changed_or_deleted(admin_client, stored):
    assert admin_client.get(reverse("admin:surveys_surveyresponse_add")).status_code == 403
    delete = reverse("admin:surveys_surveyresponse_delete", args=[stored.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert SurveyResponse.objects.filter(pk=stored.pk).exists()


def test_response_list_shows_no_answer_text(admin_client, stored):
    html = admin_client.get(reverse("admin:surveys_surveyresponse_changelist")).content.decode()
    assert str(stored.pk)[:8] in html
    assert QUARTER_LABEL in html
    assert "alert(1)" not in html


def test_staff_without_permission_cannot_see_responses(client, django_user_model, stored):
    user = django_user_model.objects.create_user("analyst", password="x" * 16, is_staff=True)
    sign_in(client, user)
    url = reverse("admin:surveys_surveyresponse_change", args=[stored.pk])
    assert client.get(url).status_code == 403


def test_every_look_at_individual_responses_is_audited(admin_client, admin_user, stored):
    admin_client.get(reverse("admin:surveys_surveyresponse_changelist") + "?reported__exact=1")
    admin_client.get(reverse("admin:surveys_surveyresponse_change", args=[stored.pk]))
    entries = AuditEntry.objects.filter(user=admin_user).order_by("at")
    assert [(e.action, e.filters) for e in entries] == [
        ("browse responses", {"reported__exact": ["1"]}),
        ("view a response", {"response": str(stored.pk)}),
    ]


def test_a_comment_from_a_group_too_small_to_publish_is_not_shown(admin_client, client, token):
    client.post(reverse("surveys:survey"), submission(token, free_text="One of two of us"))
    response = SurveyResponse.objects.get()
    move_to_quarter([response])
    add_responses(1, free_text="The other one")
    add_responses(RESEARCH_MINIMUM_ROWS - 2)
    publish_due(PUBLISHED_ON)
    html = admin_client.get(reverse("admin:surveys_surveyresponse_change", args=[response.pk]))
    html = html.content.decode()
    assert "One of two of us" not in html
    assert "its group (force, quarter and whether they reported) holds fewer" in html
    export = admin_client.get(reverse("admin:responses_csv"))
    export = b"".join(export.streaming_content).decode()
    assert "One of two of us" not in export
    assert "The other one" not in export
