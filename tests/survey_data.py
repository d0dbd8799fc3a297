"""Complete, valid survey submissions to post in tests: an answer to every question of
every version, of which a submission carries those the live version asks."""

import re
import time
from unittest import mock

from surveys import tokens
from surveys.questionnaire import QUESTIONNAIRE, Kind, live

_TOKEN = re.compile(r'name="token" value="([^"]+)"')

REPORTER_ANSWERS = {
    "force": "kent",
    "when_reported": "6_to_12_months",
    "how_reported": ["phone", "online"],
    "time_to_report": "within_a_week",
    "relationship": "partner",
    "case_status": "investigating",
    "reasons_reported": ["protect_others", "justice"],
    "importance_charge": "very",
    "importance_conviction": "fairly",
    "dignity_respect": "often",
    "believed": "always",
    "taken_seriously": "sometimes",
    "kept_informed": "rarely",
    "understood": "often",
    "felt_safe": "always",
    "reassured": "often",
    "comfortable": "sometimes",
    "valued": "rarely",
    "not_my_fault": "always",
    "pressure_to_withdraw": "never",
    "expectations": "better",
    "good_job": "agree",
    "mental_health": "no_effect",
    "physical_health": "negative",
    "safety_day_to_day": "positive",
    "trust_in_police": "very_negative",
    "report_again": "probably",
    "encourage_friend": "definitely",
    "asked_for_devices": "yes",
    "devices_explained": "not_very_well",
    "asked_for_records": "no",
    "records_explained": "not_applicable",
    "isva": "yes",
    "other_support": ["rape_crisis", "family_friends"],
    "support_wait": "under_1_month",
    "support_helpful": "very",
}

NON_REPORTER_ANSWERS = {
    "reasons_not_reported": ["not_believed", "distrust"],
    "reasons_not_reported_2027": ["embarrassed", "distrust"],
    "force_area": "gwent",
}

ABOUT_YOU = {
    "age_band": "25_34",
    "sex": "female",
    "gender_same_as_sex": "yes",
    "sexual_orientation": "bisexual",
    "ethnicity": "prefer_not",
    "disability": "no",
    "disability_impact": "no_conditions",
    "free_text": "The officer listened to me.",
}


def token_issued(ago):
    """A form token as tokens.issue() made it ``ago`` (a timedelta) before now: its
    signature carries the clock's time, so the clock is set back while it is signed."""
    with mock.patch("time.time", return_value=time.time() - ago.total_seconds()):
        return tokens.issue()


def submission(token, reported="yes_myself", **overrides):
    """POST data for the final step of the survey, as the live version asks it."""
    questionnaire = live()
    answers = REPORTER_ANSWERS if reported != "no" else NON_REPORTER_ANSWERS
    data = {
        "stage": "answers",
        "action": "submit",
        "token": token,
        "version": questionnaire.version,
        "age_18_or_over": "yes",
        "reported": reported,
        **{
            key: value
            for key, value in {**answers, **ABOUT_YOU}.items()
            if key in questionnaire.questions
        },
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def stored_answers(response):
    """A response's stored answers in the shape they were posted (lists sorted)."""
    stored = {}
    for question, answer in response.answers():
        if question.kind is Kind.MULTIPLE:
            stored[question.key] = sorted(answer)
        elif question.kind is Kind.TEXT:
            stored[question.key] = answer
        else:
            (stored[question.key],) = answer  # one choice, and only one
    return stored


def posted_answers(data):
    """The answers in POST data that should be stored: questions only, lists sorted."""
    return {
        key: sorted(value) if isinstance(value, list) else value
        for key, value in data.items()
        if key in QUESTIONNAIRE.questions and key != "age_18_or_over"
    }


def token_on(html):
    """The form token a survey page carries, read as a browser would send it."""
    return _TOKEN.search(html).group(1)
