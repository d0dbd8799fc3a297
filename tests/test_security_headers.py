"""Security headers on every page (README.md, "Security"): each respondent page with GET,
HEAD and POST, its error pages (400, 404, 405, 413, 500, 503), and the admin sign-in.

Requests arrive as production receives them, from a load balancer that terminated TLS
and says so in X-Forwarded-Proto, so HSTS is sent as it would be.
"""

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import path, reverse

from soteria_survey.urls import urlpatterns as site_urlpatterns
from surveys.urls import urlpatterns as respondent_urlpatterns
from tests.faults import cut_database_connection
from tests.survey_data import submission

SURVEY = reverse("surveys:survey")
RESPONDENT_URLS = [reverse(f"surveys:{pattern.name}") for pattern in respondent_urlpatterns]
FORM = "application/x-www-form-urlencoded"
ONE_YEAR = 365 * 24 * 60 * 60
# Powerful browser features a survey page never needs; each must be denied to everyone.
DENIED_FEATURES = {"camera", "microphone", "geolocation", "payment", "usb", "display-capture"}


def _broken(request):
    raise RuntimeError("a bug in a view")


# The site's own URLs plus one view with a bug, to see the 500 page's headers.
urlpatterns = [path("broken/", _broken), *site_urlpatterns]


@pytest.fixture
def https_client():
    return Client(headers={"X-Forwarded-Proto": "https"}, raise_request_exception=False)


def _csp(header):
    directives = {}
    for directive in header.split(";"):
        name, *sources = directive.split()
        directives[name] = sources
    return directives


def _assert_secure(response, referrer_policy="no-referrer"):
    csp = _csp(response.headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    sources = {source for values in csp.values() for source in values}
    # Only this site and inline images: no 'unsafe-inline', no other host, no wildcard.
    assert sources <= {"'self'", "'none'", "data:"}, sources

    hsts = dict(
        part.strip().partition("=")[::2]
        for part in response.headers["Strict-Transport-Security"].split(";")
    )
    assert int(hsts["max-age"]) >= ONE_YEAR
    assert "includeSubDomains" in hsts

    permissions = dict(
        item.strip().split("=", 1) for item in response.headers["Permissions-Policy"].split(",")
    )
    assert permissions.keys() >= DENIED_FEATURES
    assert set(permissions.values()) == {"()"}

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Referrer-Policy"] == referrer_policy


def _assert_respondent_page(response, status):
    assert response.status_code == status
    _assert_secure(response)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.django_db
@pytest.mark.parametrize("url", RESPONDENT_URLS)
def test_every_respondent_url_sends_the_headers_for_get_head_and_post(https_client, url):
    ok = 302 if url == reverse("surveys:exit") else 200
    _assert_respondent_page(https_client.get(url), ok)
    if url == SURVEY:
        _assert_respondent_page(https_client.head(url), 405)
        eligibility = {"stage": "eligibility", "age_18_or_over": "yes", "reported": "no"}
        _assert_respondent_page(https_client.post(url, eligibility), 200)
        _assert_respondent_page(https_client.put(url), 405)
    else:
        _assert_respondent_page(https_client.head(url), ok)
        _assert_respondent_page(https_client.post(url), 405)


@pytest.mark.django_db
def test_every_step_and_error_of_the_survey_sends_the_headers(https_client, token):
    pages = [
        (https_client.post(SURVEY, {"stage": "eligibility"}), 200),  # errors
        (https_client.post(SURVEY, {"stage": "eligibility", "age_18_or_over": "no"}), 200),
        (https_client.post(SURVEY, submission(token, believed="bogus")), 200),
        (https_client.post(SURVEY, submission("forged")), 400),
        (https_client.post(SURVEY, submission(token)), 303),
        (https_client.post(SURVEY, submission(token)), 303),  # sent twice
        (https_client.get(reverse("surveys:thank_you")), 200),
        (https_client.get("/no-such-page/"), 404),
        (https_client.post("/no-such-page/", {"a": "b"}), 404),
    ]
    oversize = "x=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    pages.append((https_client.generic("POST", SURVEY, oversize, FORM), 413))
    many = urlencode([("x", "y")] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    pages.append((https_client.generic("POST", SURVEY, many, FORM), 400))
    for response, status in pages:
        _assert_respondent_page(response, status)


@override_settings(ROOT_URLCONF=__name__)
def test_the_server_error_page_sends_the_headers(https_client):
    response = https_client.get("/broken/")
    _assert_respondent_page(response, 500)
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_the_not_saved_yet_page_sends_the_headers(https_client, token, reference_data):
    cut_database_connection()
    response = https_client.post(SURVEY, submission(token))
    connection.close()
    _assert_respondent_page(response, 503)


@pytest.mark.django_db
def test_the_admin_sign_in_sends_the_headers_with_its_own_referrer_policy(https_client):
    login = reverse("admin:login")
    pages = [
        (https_client.get(reverse("admin:index")), 302),
        (https_client.get(login), 200),
        (https_client.post(login, {"username": "nobody", "password": "wrong-password"}), 200),
    ]
    for response, status in pages:
        assert response.status_code == status
        _assert_secure(response, referrer_policy="same-origin")
