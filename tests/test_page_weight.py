"""Respondent pages stay light for cheap phones on little data: compressed HTML plus
the stylesheet, scripts and icon stay under 60 KB (sizes, not timings)."""

import gzip

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.survey_data import submission

pytestmark = pytest.mark.django_db
BUDGET = 60 * 1024


def _assets_size():
    total = 0
    for name in ["css/app.css", "js/quick-exit.js", "js/respondent.js", "images/favicon.svg"]:
        with open(finders.find(name), "rb") as asset:
            total += len(gzip.compress(asset.read()))
    return total


def _pages(client, token):
    survey = reverse("surveys:survey")
    eligibility = {"stage": "eligibility", "age_18_or_over": "yes"}
    gz = {"HTTP_ACCEPT_ENCODING": "gzip"}
    yield "start", client.get(reverse("surveys:start"), **gz)
    yield "eligibility", client.get(survey, **gz)
    yield "reporter", client.post(survey, {**eligibility, "reported": "yes_myself"}, **gz)
    yield "non-reporter", client.post(survey, {**eligibility, "reported": "no"}, **gz)
    yield "error", client.post(survey, submission(token, believed="bogus"), **gz)
    yield "thank you", client.get(reverse("surveys:thank_you"), **gz)
    yield "privacy notice", client.get(reverse("surveys:privacy"), **gz)
    yield "accessibility statement", client.get(reverse("surveys:accessibility"), **gz)


def test_every_respondent_page_is_compressed_and_within_budget(client, token):
    assets = _assets_size()
    for name, page in _pages(client, token):
        assert page.headers.get("Content-Encoding") == "gzip", name
        assert len(page.content) + assets < BUDGET, (name, len(page.content), assets)


def test_personal_free_text_is_never_autofilled(client):
    page = client.post(
        reverse("surveys:survey"),
        {"stage": "eligibility", "age_18_or_over": "yes", "reported": "no"},
    )
    html = page.content.decode()
    assert '<form method="post" action="/survey/" novalidate autocomplete="off"' in html
    textarea = html[html.index("<textarea") : html.index(">", html.index("<textarea"))]
    assert 'autocomplete="off"' in textarea
