"""Error pages are respondent pages too: each has the quick exit ready in the page, as
every other page does, rather than a blank body or a round trip through /exit/."""

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.faults import cut_database_connection
from tests.respondent_pages import every_respondent_page
from tests.survey_data import submission

SURVEY = reverse("surveys:survey")


def _assert_quick_exit_in_page(html, name):
    # Not deferred and not async, and ahead of the stylesheet: it runs before any of the
    # body is shown, whatever the page (static/js/quick-exit.js).
    script = (
        '<script src="/static/js/quick-exit.js"'
        f' data-quick-exit-url="{settings.QUICK_EXIT_URL}"></script>'
    )
    assert script in html, name
    assert html.index(script) < html.index('rel="stylesheet"'), name
    assert '<a href="/exit/"' in html, name  # the link without JavaScript


@pytest.mark.django_db
def test_every_respondent_page_has_the_quick_exit_in_the_page(token):
    pages = every_respondent_page(token)
    assert {name for name, _status, _response in pages} >= {
        "400",
        "403",
        "404",
        "405",
        "413",
        "500",
    }
    for name, status, response in pages:
        assert response.status_code == status, name
        _assert_quick_exit_in_page(response.content.decode(), name)


def test_the_not_saved_yet_page_has_the_quick_exit_in_the_page(client, token, reference_data):
    cut_database_connection()
    response = client.post(SURVEY, submission(token))
    connection.close()
    assert response.status_code == 503
    _assert_quick_exit_in_page(response.content.decode(), "503")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "allowed"), [(SURVEY, "GET, POST"), (reverse("surveys:safety"), "GET, HEAD")]
)
def test_a_refused_method_gets_a_page_saying_so_and_what_is_allowed(client, url, allowed):
    response = client.put(url)
    assert response.status_code == 405
    assert response["Allow"] == allowed
    html = response.content.decode()
    assert "Sorry, this page cannot be used that way" in html
    assert "<title>Sorry, there is a problem – Experience survey</title>" in html


@pytest.mark.django_db
def test_the_admin_keeps_djangos_own_refusal(admin_client):
    response = admin_client.get(reverse("admin:logout"))
    assert response.status_code == 405
    assert response.content == b""
