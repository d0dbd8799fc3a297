"""Every kind of page a respondent can be shown, error pages included, through Django's
test client: for tests that read what each one says. It is also a URLconf: the site's
own URLs plus one view with a bug, so that the 500 page is among them."""

from urllib.parse import urlencode

from django.conf import settings
from django.test import Client, override_settings
from django.urls import path, reverse

from soteria_survey.urls import urlpatterns as site_urlpatterns
from tests.survey_data import submission

FORM = "application/x-www-form-urlencoded"


def _broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("broken/", _broken), *site_urlpatterns]


def every_respondent_page(token):
    """(name, expected status, response) for every kind of respondent page; ``token`` is
    a fresh form token, spent by the submission among them."""
    client = Client(raise_request_exception=False)
    survey = reverse("surveys:survey")
    eligible = {"stage": "eligibility", "age_18_or_over": "yes"}
    oversize = "x=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    too_many = urlencode([("x", "y")] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    with override_settings(ROOT_URLCONF=__name__):
        return [
            *(
                (name, 200, client.get(reverse(f"surveys:{name}")))
                for name in ["start", "before_you_start", "safety", "privacy", "accessibility"]
            ),
            ("eligibility", 200, client.get(survey)),
            ("eligibility errors", 200, client.post(survey, {"stage": "eligibility"})),
            ("under 18", 200, client.post(survey, {**eligible, "age_18_or_over": "no"})),
            (
                "reporter's questions",
                200,
                client.post(survey, {**eligible, "reported": "yes_myself"}),
            ),
            ("non-reporter's questions", 200, client.post(survey, {**eligible, "reported": "no"})),
            ("answer errors", 200, client.post(survey, submission(token, believed="bogus"))),
            ("forged token", 400, client.post(survey, submission("forged"))),
            ("thank you", 200, client.get(reverse("surveys:thank_you"))),
            ("400", 400, client.generic("POST", survey, too_many, FORM)),
            ("404", 404, client.get("/no-such-page/")),
            ("405", 405, client.put(survey)),
            ("405 of a page", 405, client.post(reverse("surveys:safety"))),
            # Only /survey/ takes a form without Django's CSRF cookie; a form sent to any
            # other page is refused as a forgery.
            ("403", 403, Client(enforce_csrf_checks=True).post(reverse("surveys:safety"))),
            ("413", 413, client.generic("POST", survey, oversize, FORM)),
            ("500", 500, client.get("/broken/")),
        ]
