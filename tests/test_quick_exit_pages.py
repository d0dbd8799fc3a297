"""The quick exit is on every page a respondent can land on, error pages included: the
"Leave this site" link, first on the page, to /exit/ (which works without JavaScript),
with its hint. tests/browser/test_quick_exit_browser.py drives it in Chromium."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from tests.faults import cut_database_connection
from tests.survey_data import submission

SURVEY = reverse("surveys:survey")
EXIT = reverse("surveys:exit")


def _assert_exit_first(response, status):
    html = response.content.decode()
    assert response.status_code == status
    links = re.findall(r"<a\b[^>]*>", html)
    assert links, "the page has no link at all"
    first = links[0]
    assert f'href="{EXIT}"' in first, f"the first link is not the quick exit: {first}"
    assert "data-quick-exit" in first
    assert re.search(r"<a\b[^>]*data-quick-exit[^>]*>\s*Leave this site\s*</a>", html)
    assert "or press Esc" in html


@pytest.mark.django_db
def test_not_found_page_has_the_exit(client):
    _assert_exit_first(client.get("/no-such-page/"), 404)


@pytest.mark.urls("tests.fault_urls")
@pytest.mark.django_db
def test_server_error_page_has_the_exit(client):
    """Django renders the 500 page without the request or context processors."""
    client.raise_request_exception = False
    _assert_exit_first(client.get("/fault/"), 500)


def test_not_saved_yet_page_has_the_exit(client, token, reference_data):
    client.get(reverse("surveys:start"))
    cut_database_connection()
    page = client.post(SURVEY, submission(token))
    connection.close()  # as the WSGI handler does after a broken connection
    _assert_exit_first(page, 503)


@pytest.mark.django_db
def test_under_18_page_has_the_exit(client):
    eligibility = {"stage": "eligibility", "age_18_or_over": "no", "reported": "no"}
    page = client.post(SURVEY, eligibility)
    assert "Childline" in page.content.decode()
    _assert_exit_first(page, 200)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["surveys:start", "surveys:survey", "surveys:safety"])
def test_respondent_pages_have_the_exit(client, url):
    _assert_exit_first(client.get(reverse(url)), 200)
