"""The respondent's journey through Django's test client: the same requests a browser
makes with JavaScript off (with it on, only the display differs: see the browser tests)."""

import pytest
from django.urls import reverse

from surveys.models import SurveyResponse
from surveys.questionnaire import Audience, live
from tests.respondent_pages import every_respondent_page
from tests.survey_data import posted_answers, stored_answers, submission, token_on

SURVEY = reverse("surveys:survey")
pytestmark = pytest.mark.django_db


def _section_keys(audience):
    return [section.key for section in live().sections_for(audience)]


# Every respondent page with an address of its own, by URL name.
PAGES = ["start", "before_you_start", "safety", "privacy", "accessibility", "survey", "thank_you"]


@pytest.mark.parametrize("name", PAGES)
def test_every_respondent_page_opens(client, name):
    response = client.get(reverse(f"surveys:{name}"))
    assert response.status_code == 200
    assert b"Leave this site" in response.content


@pytest.mark.parametrize("name", PAGES)
def test_page_titles_are_neutral(client, name):
    # Browser history shows titles to whoever uses the device next.
    html = client.get(reverse(f"surveys:{name}")).content.decode()
    title = html[html.index("<title>") : html.index("</title>")].lower()
    assert title.endswith("experience survey")
    for word in ["rape", "sexual", "assault", "abuse", "police", "victim"]:
        assert word not in title


def test_explainer_says_what_the_exit_cannot_do(client):
    html = client.get(reverse("surveys:before_you_start")).content.decode()
    assert "does not erase your browsing history" in html
    assert f'href="{reverse("surveys:safety")}"' in html


def test_start_page_says_what_the_survey_is(client):
    page = client.get(reverse("surveys:start")).content.decode()
    for promise in ["anonymous", "skip any question", "stop at any time", "18 or over"]:
        assert promise in page
    assert "0808 500 2222" in page  # support signposted


def test_survey_starts_with_the_eligibility_questions(client):
    page = client.get(SURVEY).content.decode()
    assert 'name="age_18_or_over"' in page
    assert 'name="reported"' in page
    assert "dignity_respect" not in page


def test_reporter_gets_every_section_on_one_page_and_the_answers_are_stored(client, live_version):
    page = client.post(
        SURVEY, {"stage": "eligibility", "age_18_or_over": "yes", "reported": "yes_myself"}
    )
    html = page.content.decode()
    for key in _section_keys(Audience.REPORTED):
        assert f'id="section-{key}"' in html
    assert 'id="section-not_reporting"' not in html
    sections = len(_section_keys(Audience.REPORTED))
    assert f"Section 1 of {sections}" in html
    data = submission(token_on(html))
    response = client.post(SURVEY, data)

    assert response.status_code == 303
    assert response["Location"] == reverse("surveys:thank_you")
    stored = SurveyResponse.objects.get()
    assert stored.questionnaire_version == live_version
    assert stored.force_id == "kent"
    assert stored.reported is True
    assert stored.submitted_month.day == 1
    assert stored_answers(stored) == posted_answers(data)


def test_non_reporter_skips_the_police_sections(client, live_version):
    page = client.post(SURVEY, {"stage": "eligibility", "age_18_or_over": "yes", "reported": "no"})
    html = page.content.decode()
    assert 'id="section-not_reporting"' in html
    assert 'id="section-about_you"' in html
    for key in ["report", "treatment", "overall", "phone_and_records", "support"]:
        assert f'id="section-{key}"' not in html


def test_answers_to_sections_that_do_not_apply_are_not_stored(client, token, newest_live):
    # A non-reporter's form cannot carry police answers, even if someone posts them.
    data = submission(token, reported="no", force="kent", believed="always")
    client.post(SURVEY, data)
    stored = SurveyResponse.objects.get()
    answers = stored_answers(stored)
    assert "believed" not in answers
    assert "force" not in answers
    assert stored.force_id == "gwent"  # the area they named, not the "force" posted
    assert stored.reported is False
    assert answers["reasons_not_reported_2027"] == ["distrust", "embarrassed"]
    assert answers["force_area"] == "gwent"


def test_under_18_gets_a_kind_page_and_nothing_is_stored(client):
    page = client.post(SURVEY, {"stage": "eligibility", "age_18_or_over": "no", "reported": "no"})
    assert page.status_code == 200
    assert "Childline" in page.content.decode()
    assert "0800 1111" in page.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_eligibility_questions_must_be_answered(client):
    page = client.post(SURVEY, {"stage": "eligibility"})
    html = page.content.decode()
    assert html.count('class="govuk-error-message"') == 2
    assert "<title>Error:" in html
    assert 'href="#id_age_18_or_over_1"' in html


def test_blank_survey_stores_only_the_branch(client, token):
    # Every question after eligibility is optional.
    client.post(
        SURVEY,
        {
            "stage": "answers",
            "action": "submit",
            "token": token,
            "age_18_or_over": "yes",
            "reported": "yes_someone_else",
        },
    )
    assert stored_answers(SurveyResponse.objects.get()) == {"reported": "yes_someone_else"}


def test_changing_the_eligibility_answer_keeps_every_other_answer(client, token):
    data = submission(token, action="change")
    page = client.post(SURVEY, data)
    html = page.content.decode()
    assert 'name="stage" value="eligibility"' in html
    assert '<input type="hidden" name="believed" value="always">' in html
    assert '<input type="hidden" name="how_reported" value="online">' in html
    assert f'<input type="hidden" name="token" value="{token}">' in html

    # Switching to "not reported" and back brings the police answers back.
    carried = {key: value for key, value in data.items() if key not in {"stage", "action"}}
    page = client.post(SURVEY, {**carried, "stage": "eligibility", "reported": "yes_myself"})
    form = page.context["form"]
    assert form["believed"].value() == "always"
    assert form["how_reported"].value() == ["phone", "online"]
    assert form["token"].value() == token
    assert SurveyResponse.objects.count() == 0


def test_no_template_syntax_reaches_a_respondent(token):
    # Django's {# #} is one line only: a longer one is shown on the page as it stands,
    # and so is a mistyped tag.
    for name, _status, page in every_respondent_page(token):
        html = page.content.decode()
        for syntax in ["{#", "#}", "{%", "%}"]:
            assert syntax not in html, (name, syntax)


def test_the_send_button_says_that_sending_is_final(client):
    page = client.post(SURVEY, {"stage": "eligibility", "age_18_or_over": "yes", "reported": "no"})
    html = " ".join(page.content.decode().split())
    final = html.index("Once you send your answers they cannot be changed or withdrawn")
    assert final < html.rindex('value="submit" class="govuk-button">Send my answers</button>')
