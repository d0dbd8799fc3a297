"""Blank respondent pages are rendered once per process and kept (surveys.kept): served
from memory they must be exactly the page Django would render, with each respondent's
own token, correctly compressed, and never hold anyone's answers."""

import gzip
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from surveys import views
from surveys.forms import EligibilityForm, SurveyForm
from surveys.questionnaire import AGE_GATE, QUESTIONNAIRE, YES, live
from tests.survey_data import token_on

SURVEY = reverse("surveys:survey")
REPORTED = [choice.key for choice in QUESTIONNAIRE.questions["reported"].choices]
STATIC_PAGES = ["start", "before_you_start", "safety", "thank_you"]
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def _eligible(reported):
    return {"stage": "eligibility", AGE_GATE: YES, "reported": reported}


def _fresh(rf, template_name, context, path):
    """The page as Django renders it for a request to ``path`` (its language switch
    links to the same address in the other language)."""
    return render_to_string(template_name, context, rf.get(path))


@pytest.mark.parametrize("name", STATIC_PAGES)
def test_kept_pages_are_the_pages_rendered_afresh(client, rf, name):
    for _ in range(2):  # rendered and kept, then served from memory
        path = reverse(f"surveys:{name}")
        html = client.get(path).content.decode()
        assert html == _fresh(rf, f"surveys/{name}.html", {}, path)


def test_kept_eligibility_page_is_the_page_rendered_afresh(client, rf):
    context = {"form": EligibilityForm(), "carried": []}
    for _ in range(2):
        assert client.get(SURVEY).content.decode() == _fresh(
            rf, "surveys/eligibility.html", context, SURVEY
        )


@pytest.mark.parametrize("reported", REPORTED)
def test_kept_questions_are_the_page_rendered_afresh_with_its_own_token(client, rf, reported):
    tokens = set()
    for _ in range(2):
        html = client.post(SURVEY, _eligible(reported)).content.decode()
        token = token_on(html)
        tokens.add(token)
        initial = {AGE_GATE: YES, "reported": reported, "token": token}
        form = SurveyForm(initial=initial, questionnaire=live(), reported=reported)
        assert html == _fresh(rf, "surveys/survey.html", views._survey_context(form), SURVEY)
    assert len(tokens) == 2


def test_a_valid_token_sent_back_is_kept_on_the_kept_page(client):
    token = token_on(client.post(SURVEY, _eligible("no")).content.decode())
    again = client.post(SURVEY, {**_eligible("no"), "token": token}).content.decode()
    assert token_on(again) == token
    forged = client.post(SURVEY, {**_eligible("no"), "token": token + "x"}).content.decode()
    assert token_on(forged) not in (token, token + "x")


def test_kept_pages_never_show_anyone_elses_answers(client):
    """Pages with answers in them are rendered afresh, and never become what the next
    respondent sees."""
    eligible = _eligible("yes_myself")
    first = client.post(SURVEY, eligible).content.decode()
    carried = client.post(SURVEY, {**eligible, "believed": "always", "sex": "female"})
    assert re.search(r'value="always"[^>]*checked', carried.content.decode())
    changed = client.post(SURVEY, {**eligible, "stage": "answers", "action": "change"})
    assert re.search(r'value="yes_myself"[^>]*checked', changed.content.decode())
    second = client.post(SURVEY, eligible).content.decode()
    for page in (first, second):
        assert 'name="believed"' in page
        assert "checked" not in page
    assert "checked" not in client.get(SURVEY).content.decode()


@pytest.mark.parametrize("reported", REPORTED)
def test_compressed_kept_pages_are_valid_gzip_of_the_page(client, reported):
    plain = client.post(SURVEY, _eligible(reported)).content
    replies = [client.post(SURVEY, _eligible(reported), **GZIP) for _ in range(20)]
    for reply in replies:
        assert reply["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in reply["Vary"]
        assert int(reply["Content-Length"]) == len(reply.content) < len(plain) / 4
        page = gzip.decompress(reply.content)  # checks the length and CRC-32 too
        token = token_on(page.decode()).encode()
        assert page == re.sub(rb'(name="token" value=")[^"]+', rb"\g<1>" + token, plain)
    # Against BREACH, as Django's GZipMiddleware: a random-length name in each header.
    assert len({len(reply.content) for reply in replies}) > 1
    assert all(reply.content[3] & gzip.FNAME for reply in replies)


@pytest.mark.parametrize("name", STATIC_PAGES)
def test_compressed_static_pages_decompress_to_the_page(client, name):
    url = reverse(f"surveys:{name}")
    compressed = client.get(url, **GZIP)
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == client.get(url).content


def test_kept_pages_need_no_database(client):
    # No test here may use the database: any query would raise.
    for _ in range(2):
        client.get(reverse("surveys:start"))
        client.get(SURVEY)
        client.post(SURVEY, _eligible("yes_myself"), **GZIP)


def test_a_changed_setting_is_on_the_next_kept_page(client, settings):
    url = reverse("surveys:start")
    assert settings.QUICK_EXIT_URL in client.get(url).content.decode()
    settings.QUICK_EXIT_URL = "https://www.bbc.co.uk/weather"
    assert (
        'data-quick-exit-url="https://www.bbc.co.uk/weather"' in client.get(url).content.decode()
    )
