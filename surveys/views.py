"""The respondent's pages.

The survey lives at one URL, /survey/: a GET shows the eligibility questions; a POST of
them shows the questions that apply (one long page without JavaScript, one section at a
time with it); a POST of the answers stores them. Nothing here sets a cookie: the survey
is exempt from CSRF cookies and protected by a signed single-use token in the form.
"""

import logging
from datetime import date
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from surveys import kept, tokens
from surveys.export import RESEARCH_MINIMUM_ROWS
from surveys.forms import EligibilityForm, SurveyForm
from surveys.models import SurveyResponse
from surveys.questionnaire import (
    ELIGIBILITY,
    FREE_TEXT_MAX_LENGTH,
    QUESTIONNAIRE,
    QUESTIONNAIRES,
    Kind,
    Questionnaire,
    live,
)

logger = logging.getLogger(__name__)

_ELIGIBILITY_KEYS = frozenset(q.key for q in ELIGIBILITY.questions)

# When the accessibility statement was written, and when someone last checked the survey
# against it (the automated checks it lists run on every change). It shows both; review
# it at least once a year and whenever a change could affect accessibility.
ACCESSIBILITY_STATEMENT_PREPARED = date(2026, 12, 5)
ACCESSIBILITY_LAST_TESTED = date(2026, 12, 5)


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    return kept.render(request, "surveys/start.html")


@require_safe
def before_you_start(request: HttpRequest) -> HttpResponse:
    return kept.render(request, "surveys/before_you_start.html")


@require_safe
def safety(request: HttpRequest) -> HttpResponse:
    return kept.render(request, "surveys/safety.html")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return kept.render(request, "surveys/privacy.html", lambda slot: _privacy_context())


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return kept.render(
        request, "surveys/accessibility.html", lambda slot: _accessibility_context()
    )


def _privacy_context() -> dict[str, Any]:
    """What the privacy notice takes from the deployment's settings and from the rules
    the code applies (docs/respondents.md), so that it cannot drift from either."""
    return {
        **_responsible(),
        "contact": settings.PRIVACY_CONTACT,
        "lawful_basis": settings.PRIVACY_LAWFUL_BASIS,
        "retention_months": settings.RETENTION_MONTHS,
        "threshold": settings.DISCLOSURE_THRESHOLD,
        "research_minimum": RESEARCH_MINIMUM_ROWS,
    }


def _accessibility_context() -> dict[str, Any]:
    return {
        **_responsible(),
        "contact": settings.ACCESSIBILITY_CONTACT,
        "prepared": ACCESSIBILITY_STATEMENT_PREPARED,
        "tested": ACCESSIBILITY_LAST_TESTED,
    }


def _responsible() -> dict[str, str]:
    # Its Welsh name on Welsh pages, when it has one; a bracketed placeholder until the
    # deployment names itself (manage.py check --deploy warns until it does).
    welsh = settings.PRIVACY_CONTROLLER_CY if get_language() == "cy" else ""
    return {
        "controller": welsh
        or settings.PRIVACY_CONTROLLER
        or _("[name of the organisation that runs the survey]")
    }


@require_safe
def quick_exit(request: HttpRequest) -> HttpResponse:
    """The "Leave this site" link without JavaScript: straight to the neutral page."""
    return HttpResponseRedirect(settings.QUICK_EXIT_URL)


@require_safe
def thank_you(request: HttpRequest) -> HttpResponse:
    return kept.render(request, "surveys/thank_you.html")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # Blank: the same page for everyone.
        return kept.render(
            request,
            "surveys/eligibility.html",
            lambda slot: {"form": EligibilityForm(), "carried": []},
        )
    if request.POST.get("action") == "language":
        # "Cymraeg" / "English" on a page of questions: the same page, at the other
        # language's address, with everything given so far (nothing is checked yet).
        if request.POST.get("stage") == "answers":
            return _survey_page(request, _shown(request.POST, live(), errors=False))
        return _eligibility_page(request, EligibilityForm(initial=_given(request.POST)))
    if request.POST.get("stage") != "answers":
        return _check_eligibility(request)
    if request.POST.get("action") == "change":
        return _eligibility_page(request, EligibilityForm(initial=_given(request.POST)))
    return _submit(request)


def _given(data: QueryDict) -> dict[str, str | list[str]]:
    """Every answer in a POST, by question key, in the form a field's initial takes."""
    given: dict[str, str | list[str]] = {}
    for key in data:
        question = QUESTIONNAIRE.questions.get(key)
        if question is None:
            continue
        if question.kind is Kind.MULTIPLE:
            if values := data.getlist(key):
                given[key] = values
        elif value := data.get(key):
            given[key] = value
    return given


def _carried(data: QueryDict) -> list[tuple[str, str]]:
    """Answers from later sections, carried through the eligibility page as hidden
    inputs so that changing an eligibility answer loses nothing."""
    pairs = [
        (key, value)
        for key in QUESTIONNAIRE.questions
        if key not in _ELIGIBILITY_KEYS
        for value in data.getlist(key)
    ]
    if token := data.get("token"):
        pairs.append(("token", token))
    return pairs


def _eligibility_page(request: HttpRequest, form: EligibilityForm) -> HttpResponse:
    context = {"form": form, "carried": _carried(request.POST)}
    return render(request, "surveys/eligibility.html", context)


def _check_eligibility(request: HttpRequest) -> HttpResponse:
    form = EligibilityForm(request.POST, validation_only=True)
    if not form.is_valid():
        shown = EligibilityForm(request.POST)
        shown.is_valid()
        return _eligibility_page(request, shown)
    if form.cleaned_data["age_18_or_over"] != "yes":
        # Nothing is stored for under-18s, not even that they came.
        return kept.render(request, "surveys/under_18.html")
    token = request.POST.get("token", "")  # none given, like "", gets a new token
    if not tokens.nonce_from(token):
        token = tokens.issue()
    eligibility = form.cleaned_data
    questionnaire = live()
    answers = {key: value for key, value in _given(request.POST).items() if key not in eligibility}
    if answers:  # carried back after changing an eligibility answer
        initial = {**answers, **eligibility, "token": token}
        return _survey_page(
            request,
            SurveyForm(
                initial=initial, questionnaire=questionnaire, reported=eligibility["reported"]
            ),
        )
    # Blank questions: the same page for everyone who gave these eligibility answers
    # while this version is live, but for the token.
    return kept.render(
        request,
        "surveys/survey.html",
        lambda slot: _survey_context(
            SurveyForm(
                initial={**eligibility, "token": slot},
                questionnaire=questionnaire,
                reported=eligibility["reported"],
            )
        ),
        key=(questionnaire.version, *eligibility.values()),
        fill=token,
    )


def _survey_page(
    request: HttpRequest, form: SurveyForm, status: int = 200, notice: str = ""
) -> HttpResponse:
    return render(request, "surveys/survey.html", _survey_context(form, notice), status=status)


def _survey_context(form: SurveyForm, notice: str = "") -> dict[str, Any]:
    reported = form["reported"].value()
    sections = list(form.section_helpers())
    return {
        "form": form,
        "sections": [
            (section, helper, number) for number, (section, helper) in enumerate(sections, 1)
        ],
        "reported_label": QUESTIONNAIRE.questions["reported"].label_for(reported),
        "notice": notice,
        # What respondent.js checks before sending: a larger request is refused unread.
        "max_request_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        "free_text_limit": FREE_TEXT_MAX_LENGTH,
    }


def _submit(request: HttpRequest) -> HttpResponse:
    # The version live this month, whatever the page showed: a response's version then
    # says no more about when it was sent than its month does (surveys.questionnaire).
    today = timezone.localdate()
    questionnaire = live(today)
    shown = request.POST.get("version", "")
    if shown in QUESTIONNAIRES and shown != questionnaire.version:
        # The page was shown before a new version went live: ask the new version's
        # questions, with every answer that still applies, before anything is stored.
        notice = _(
            "Some questions have changed since this page was opened. Your answers are "
            "still here: check them and answer any new questions you want to, then send "
            "your answers."
        )
        return _survey_page(
            request, _shown(request.POST, questionnaire), status=409, notice=notice
        )
    # Only validated here, so it may share its fields (forms.ValidationOnly); a page
    # showing the answers again gets a form of its own.
    form = SurveyForm(
        request.POST,
        questionnaire=questionnaire,
        reported=request.POST.get("reported"),
        validation_only=True,
    )
    if not form.is_valid():
        return _survey_page(request, _shown(request.POST, questionnaire))
    nonce = form.nonce
    if nonce is None:
        # Forged, damaged or very old: store nothing, but keep every answer on screen
        # with a fresh token so that sending again works.
        data = request.POST.copy()
        data["token"] = tokens.issue()
        notice = _("Your answers have not been sent yet. Check them, then send them again.")
        return _survey_page(request, _shown(data, questionnaire), status=400, notice=notice)
    try:
        SurveyResponse.objects.record(
            nonce=nonce, version=questionnaire.version, answers=form.answers(), day=today
        )
    except (OperationalError, InterfaceError) as error:
        logger.error("Could not store a response; the respondent was asked to retry: %s", error)
        notice = _(
            "Sorry, there is a problem with the service and your answers have not been "
            "saved yet. They are still here. Please try sending them again in a few minutes."
        )
        return _survey_page(
            request, _shown(request.POST, questionnaire), status=503, notice=notice
        )
    # 303: the browser fetches the thank-you page with GET, so a reload cannot re-post.
    response = redirect("surveys:thank_you")
    response.status_code = 303
    return response


def _shown(data: QueryDict, questionnaire: Questionnaire, errors: bool = True) -> SurveyForm:
    """A form with ``questionnaire``'s questions to show again with ``data`` in it,
    and its errors (unless ``errors`` is false)."""
    data = data.copy()
    data["version"] = questionnaire.version
    if not errors:
        initial = {**_given(data), "token": data.get("token", "")}
        return SurveyForm(
            initial=initial, questionnaire=questionnaire, reported=data.get("reported")
        )
    form = SurveyForm(data, questionnaire=questionnaire, reported=data.get("reported"))
    form.is_valid()
    return form
