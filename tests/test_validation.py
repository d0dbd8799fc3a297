"""Validation protects the data and never costs the respondent an answer."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from surveys import forms, tokens
from surveys.models import SurveyResponse
from surveys.questionnaire import FREE_TEXT_MAX_LENGTH, QUESTIONNAIRE, Audience, live
from tests.survey_data import submission

SURVEY = reverse("surveys:survey")
pytestmark = pytest.mark.django_db


def test_unknown_choice_is_refused_with_a_clear_message_and_every_answer_kept(client, token):
    data = submission(token, dignity_respect="sometimes-maybe")
    page = client.post(SURVEY, data)
    html = page.content.decode()

    assert page.status_code == 200
    assert html.count("Choose one of the answers shown for this question") == 2  # summary + field
    assert "<title>Error:" in html
    assert 'href="#id_dignity_respect_1"' in html
    assert 'id="id_dignity_respect_1"' in html
    form = page.context["form"]
    assert form["believed"].value() == "always"
    assert form["how_reported"].value() == ["phone", "online"]
    assert form["free_text"].value() == "The officer listened to me."
    assert "The officer listened to me." in html
    assert SurveyResponse.objects.count() == 0


def test_checked_answers_are_rendered_checked_after_an_error(client, token):
    page = client.post(SURVEY, submission(token, dignity_respect="bogus"))
    html = page.content.decode()
    # The radio and checkboxes the respondent chose are still chosen in the markup.
    believed = html[
        html.index('id="id_believed_1"') - 200 : html.index('id="id_believed_1"') + 200
    ]
    assert "checked" in believed
    phone = html[html.index('value="phone"') : html.index('value="phone"') + 120]
    assert "checked" in phone
    assert '<option value="kent" selected>' in html


def test_over_long_free_text_is_refused_and_kept(client, token):
    long_text = "x" * (FREE_TEXT_MAX_LENGTH + 1)
    page = client.post(SURVEY, submission(token, free_text=long_text))
    html = page.content.decode()
    assert f"must be {FREE_TEXT_MAX_LENGTH} characters or fewer" in html
    assert long_text in html
    assert SurveyResponse.objects.count() == 0


def test_free_text_at_the_limit_is_stored(client, token):
    text = "y" * FREE_TEXT_MAX_LENGTH
    assert client.post(SURVEY, submission(token, free_text=text)).status_code == 303
    assert SurveyResponse.objects.get().free_text == text


# Anything but NUL (refused, with a message) and lone surrogates (no browser sends them).
WRITTEN = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))


def test_free_text_is_stored_exactly_as_written(client):
    """Quotes, backslashes, commas, JSON, line breaks, control characters, any script:
    what is written comes back character for character (less the blank space around
    it, as for every text field)."""

    @hypothesis_settings(max_examples=40, deadline=None)
    @given(WRITTEN.filter(str.strip))
    @example('She said "stop", {"a": [1, "\\u0041"]}, C:\\new\r\n\ttab, café 👍 ,,')
    def send(text):
        SurveyResponse.objects.all().delete()
        body = urlencode(submission(tokens.issue(), free_text=text), doseq=True)
        response = client.generic("POST", SURVEY, body, "application/x-www-form-urlencoded")
        assert response.status_code == 303
        assert SurveyResponse.objects.get().free_text == text.strip()

    send()


def test_exclusive_option_cannot_be_combined(client, token):
    page = client.post(SURVEY, submission(token, other_support=["none", "gp"]))
    assert "Select “No other support” on its own, or unselect it" in page.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_unknown_force_is_refused(client, token):
    page = client.post(SURVEY, submission(token, force="atlantis"))
    assert page.context["form"].errors["force"] == [
        "Choose one of the answers shown for this question"
    ]
    assert SurveyResponse.objects.count() == 0


def test_tampered_age_is_refused(client, token):
    page = client.post(SURVEY, submission(token, age_18_or_over="no"))
    assert "This survey is for people aged 18 or over." in page.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_unknown_fields_are_ignored(client, token):
    response = client.post(SURVEY, submission(token, ip_address="203.0.113.9", name="Alex"))
    assert response.status_code == 303
    stored = SurveyResponse.objects.get()
    assert set(stored.choices) <= set(QUESTIONNAIRE.questions)
    assert "Alex" not in stored.free_text


def test_a_checkbox_sent_twice_is_stored_once(client, token):
    # No browser sends this, but a hand-made request can: the answer is the same.
    response = client.post(SURVEY, submission(token, how_reported=["phone", "online", "phone"]))
    assert response.status_code == 303
    assert sorted(SurveyResponse.objects.get().choices["how_reported"]) == ["online", "phone"]


def test_pages_shown_again_never_change_the_fields_submissions_share(client, token):
    """A submission is validated with fields built once and shared; showing a form
    changes its fields' widgets (error and hint references), so a page showing the
    answers again must use fields of its own."""
    assert client.post(SURVEY, submission(token)).status_code == 303
    key = (forms._survey_fields, live().version, Audience.REPORTED)
    shared = forms.ValidationOnly.fields(*key)
    before = {key: dict(field.widget.attrs) for key, field in shared.items()}

    invalid = submission(tokens.issue(), dignity_respect="sometimes-maybe", free_text="x")
    page = client.post(SURVEY, invalid)

    assert page.status_code == 200
    # Rendering set these on the widgets of the form shown...
    assert 'aria-describedby="id_free_text_hint id_free_text-info"' in page.content.decode()
    # ...and not on the shared ones.
    assert {key: dict(field.widget.attrs) for key, field in shared.items()} == before
    assert (
        forms.ValidationOnly.fields(forms._survey_fields, live().version, Audience.REPORTED)
        is shared
    )
