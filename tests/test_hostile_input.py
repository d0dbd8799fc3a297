"""Hostile input at every respondent URL: nothing breaks, and nothing bad is stored.

Hypothesis sends random and malformed requests: unknown fields, wrong types, huge and
empty values, NUL bytes, invalid UTF-8, forged and replayed tokens, every HTTP method.
Django's test client re-raises any exception a view lets escape, so a would-be 500
fails these tests even before the status is checked.
"""

import secrets
from urllib.parse import quote_from_bytes, urlencode

import pytest
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from surveys import tokens
from surveys.forces import FORCE_SLUGS
from surveys.models import SurveyResponse
from surveys.questionnaire import (
    FREE_TEXT_MAX_LENGTH,
    FREE_TEXT_QUESTION,
    LIVE_FROM,
    QUESTIONNAIRE,
    QUESTIONNAIRES,
    REPORTED_ANSWERS,
    VERSION,
    Kind,
    audience_for,
)
from surveys.urls import urlpatterns
from tests.survey_data import submission

pytestmark = pytest.mark.django_db

SURVEY = reverse("surveys:survey")


def _in_every_language(name):
    """A respondent page's address in each language (English, and Welsh at /cy/)."""
    urls = []
    for code, _language in settings.LANGUAGES:
        with translation.override(code):
            urls.append(reverse(f"surveys:{name}"))
    return urls


RESPONDENT_URLS = [url for pattern in urlpatterns for url in _in_every_language(pattern.name)]
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
# What each view accepts; anything else must be a plain 405.
ALLOWED_METHODS = {url: {"GET", "POST"} for url in _in_every_language("survey")}
SAFE_METHODS = {"GET", "HEAD"}

SCRIPT = '<script>alert("hostile")</script>'
ATTRIBUTE_BREAK = '"><img src=x onerror=alert(1)>'
BOUNDARY = "hostile-boundary"
FORM = "application/x-www-form-urlencoded"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
CONTENT_TYPES = [
    FORM,
    MULTIPART,
    "multipart/form-data",  # no boundary
    "application/json",
    "text/plain",
    f"{FORM}; charset=latin-1",
    f"{FORM}; charset=no-such-charset",
]

FIELD_NAMES = [*QUESTIONNAIRE.questions, "stage", "action", "token", "version"]
CHOICE_KEYS = sorted({c.key for q in QUESTIONNAIRE.questions.values() for c in q.choices})
TOO_LONG = "x" * (FREE_TEXT_MAX_LENGTH + 1)

hostile_values = st.one_of(
    st.sampled_from(
        [
            *CHOICE_KEYS,
            *("answers", "eligibility", "submit", "change", "language", *LIVE_FROM),
            *("", SCRIPT, ATTRIBUTE_BREAK),
        ]
    ),
    st.text(max_size=40),
    st.text(alphabet="\x00\r\n\t a<>&\"'", max_size=20),
    st.binary(max_size=20),  # percent-encoded as it is: mostly invalid UTF-8
    st.sampled_from([TOO_LONG, "é" * FREE_TEXT_MAX_LENGTH, "y" * 100_000]),
)
field_names = st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=20))


def _encode(pairs, content_type):
    if content_type == MULTIPART:
        return _multipart(pairs)
    return urlencode(pairs).encode()


def _multipart(pairs):
    """A multipart body written by hand, so that values can be any bytes at all."""
    parts = []
    for key, value in pairs:
        raw = value if isinstance(value, bytes) else value.encode()
        header = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
        parts.append(header.encode() + raw + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def _pairs(data):
    """POST data as (key, value) pairs, a list value giving one pair per item."""
    return [
        (key, item)
        for key, value in data.items()
        for item in (value if isinstance(value, list) else [value])
    ]


def _assert_handled(response, method, path, body):
    assert response.status_code < 500
    if len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        assert response.status_code == 413
    elif method not in ALLOWED_METHODS.get(path, SAFE_METHODS):
        assert response.status_code == 405
    assert SCRIPT.encode() not in response.content
    assert ATTRIBUTE_BREAK.encode() not in response.content
    assert not response.cookies  # Django keeps cookies apart from the other headers


@st.composite
def random_requests(draw):
    """Any method, any respondent URL, any query string and any body."""
    pairs = draw(st.lists(st.tuples(field_names, hostile_values), max_size=8))
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    body = draw(st.one_of(st.just(_encode(pairs, content_type)), st.binary(max_size=300)))
    query = draw(
        st.one_of(st.just(urlencode(pairs)), st.binary(max_size=30).map(quote_from_bytes))
    )
    return (
        draw(st.sampled_from(METHODS)),
        draw(st.sampled_from(RESPONDENT_URLS)),
        query,
        body,
        content_type,
    )


def test_random_requests_to_every_respondent_url_are_handled_and_store_nothing(client):
    @hypothesis_settings(max_examples=150, deadline=None)
    @given(random_requests())
    def send(request):
        method, path, query, body, content_type = request
        response = client.generic(method, f"{path}?{query}", body, content_type)
        _assert_handled(response, method, path, body)

    send()
    # None of these carries a valid token, so none may store anything.
    assert not SurveyResponse.objects.exists()


# The token a form is sent again with: its own, another already used, or a bad one.
AGAIN_TOKEN_KINDS = ["same", "replayed", "tampered", "other-purpose", "missing", "empty"]
REPORTED = sorted(QUESTIONNAIRE.questions["reported"].choice_keys)
# The questions a respondent may leave out or change at will: all but the two that
# decide whether there is a survey to send (the age check, and whether they reported).
OPTIONAL = [
    q for q in QUESTIONNAIRE.questions.values() if q.key not in {"age_18_or_over", "reported"}
]
CHOICE_QUESTIONS = [q for q in OPTIONAL if q.kind is not Kind.TEXT]


def _answers_a_form_may_take(question):
    """Answers that pass the form's checks or nearly do: one of the question's own
    choices, or several where it takes several (exclusive ones and repeats included),
    for whichever respondent (a non-reporter sent a reporter's question, say)."""
    keys = st.sampled_from(sorted(question.choice_keys))
    several = st.builds(
        lambda chosen, repeat: chosen + chosen[:repeat],
        st.lists(keys, min_size=1, max_size=4),
        st.booleans(),
    )
    return st.tuples(st.just(question.key), several if question.kind is Kind.MULTIPLE else keys)


plausible_changes = st.lists(
    st.sampled_from(CHOICE_QUESTIONS).flatmap(_answers_a_form_may_take), max_size=4
).map(dict)
# Free text that may be stored, markup and all (hostile_changes may put text in it
# that may not: too long, or with a NUL character).
free_texts = st.one_of(
    st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=200),
    st.sampled_from([SCRIPT, ATTRIBUTE_BREAK]),
)
# Hostile values in any field: these mostly get the form back with errors, so half the
# examples have none.
hostile_changes = st.one_of(
    st.just({}),
    st.dictionaries(
        field_names, st.one_of(hostile_values, st.lists(hostile_values, max_size=3)), max_size=3
    ),
)


def test_hostile_submissions_store_only_valid_answers_once_per_token(client):
    """Complete surveys, then some fields dropped, changed to other answers the form may
    accept, given hostile free text, replaced by hostile values or added; each sent with
    a fresh token, then sent again with the same token, a used one or a bad one.

    Every token that got the thank-you page (303) stored exactly one response, every
    stored row is something the questionnaire allows, and most examples store one, so
    that those checks have rows to check."""
    replayed = tokens.issue()
    acknowledged = set()
    examples = []

    @hypothesis_settings(max_examples=60, deadline=None)
    @given(
        reported=st.sampled_from(REPORTED),
        again=st.sampled_from(AGAIN_TOKEN_KINDS),
        dropped=st.sets(st.sampled_from([q.key for q in OPTIONAL]), max_size=3),
        answers=plausible_changes,
        free_text=free_texts,
        hostile=hostile_changes,
        content_type=st.sampled_from([FORM, MULTIPART]),
    )
    @example(
        reported="no",
        again="same",
        dropped=set(),
        answers={},
        free_text="",
        hostile={},
        content_type=FORM,
    )
    @example(  # an exclusive answer with another, and a box ticked twice
        reported="yes_myself",
        again="replayed",
        dropped=set(),
        answers={"other_support": ["none", "rape_crisis"], "how_reported": ["phone", "phone"]},
        free_text=SCRIPT,
        hostile={},
        content_type=MULTIPART,
    )
    def send(reported, again, dropped, answers, free_text, hostile, content_type):
        data = {k: v for k, v in submission(None, reported).items() if k not in dropped}
        data.update(answers, **{FREE_TEXT_QUESTION: free_text})
        data.update(hostile)
        token = tokens.issue()
        for sent_with in [token, _token(again, token, replayed)]:
            # A hostile "token" field, if any, replaces the token.
            sent = {"token": sent_with, **data} if sent_with is not None else data
            body = _encode(_pairs(sent), content_type)
            response = client.generic("POST", SURVEY, body, content_type)
            _assert_handled(response, "POST", SURVEY, body)
            if response.status_code == 303:
                acknowledged.add(str(sent.get("token")))
        examples.append(token in acknowledged)

    send()
    assert SurveyResponse.objects.count() == len(acknowledged)
    stored = SurveyResponse.objects.all()
    for response in stored:
        _assert_valid(response)
    assert sum(examples) > len(examples) / 2, f"{sum(examples)} of {len(examples)} stored"
    assert any(response.free_text for response in stored)


def _token(kind, own, replayed):
    if kind == "same":
        return own
    if kind == "replayed":
        return replayed
    if kind == "tampered":
        valid = tokens.issue()
        return valid[:-1] + ("A" if valid[-1] != "A" else "B")
    if kind == "other-purpose":
        return signing.dumps(secrets.token_urlsafe(24), salt="another.purpose")
    return None if kind == "missing" else ""


def _assert_valid(response):
    """A stored response holds only questions its respondent was asked, with choices
    that exist, free text within its limit, and no exclusive choice combined."""
    by_question = dict(response.choices)
    assert all(isinstance(chosen, list) and chosen for chosen in by_question.values())
    (reported,) = by_question.pop("reported")
    assert reported in REPORTED
    assert response.reported == (reported in REPORTED_ANSWERS)
    asked = {
        question.key: question
        for section in QUESTIONNAIRES[response.questionnaire_version].sections_for(
            audience_for(reported)
        )
        for question in section.questions
    }
    assert set(by_question) <= set(asked)
    if response.free_text:
        assert FREE_TEXT_QUESTION in asked
        assert len(response.free_text) <= FREE_TEXT_MAX_LENGTH
        assert "\x00" not in response.free_text
    for key, chosen in by_question.items():
        question = asked[key]
        assert question.kind is not Kind.TEXT
        assert len(set(chosen)) == len(chosen)  # each choice once
        assert set(chosen) <= question.choice_keys
        if question.kind is Kind.SINGLE:
            assert len(chosen) == 1
        elif len(chosen) > 1:
            assert not any(c.exclusive and c.key in chosen for c in question.choices)
    (force,) = by_question.get("force", [None])
    assert response.force_id == (force if force in FORCE_SLUGS else None)


def _longest_submission(token):
    """The most a respondent can send: a reporter's survey (the one with the most
    questions), every question answered with its longest choice, every box ticked that
    can be ticked together, and the free text at its limit in four-byte characters."""
    reported = "yes_someone_else"
    pairs = [("stage", "answers"), ("action", "submit"), ("token", token)]
    pairs += [("age_18_or_over", "yes"), ("reported", reported)]
    for section in QUESTIONNAIRES[VERSION].sections_for(audience_for(reported)):
        for question in section.questions:
            if question.kind is Kind.TEXT:
                pairs.append((question.key, "\N{GRINNING FACE}" * FREE_TEXT_MAX_LENGTH))
            elif question.kind is Kind.MULTIPLE:
                pairs += [(question.key, c.key) for c in question.choices if not c.exclusive]
            else:
                pairs.append((question.key, max(question.choice_keys, key=len)))
    return pairs


def test_the_longest_legitimate_submission_fits_the_limits_twice_over(client, token, newest_live):
    pairs = _longest_submission(token)
    body = urlencode(pairs).encode()
    assert 2 * len(body) <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert 2 * len(pairs) <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert client.generic("POST", SURVEY, body, FORM).status_code == 303
    stored = SurveyResponse.objects.get().free_text
    assert stored == "\N{GRINNING FACE}" * FREE_TEXT_MAX_LENGTH


@pytest.mark.parametrize("content_type", [FORM, MULTIPART])
def test_an_oversize_body_is_refused_with_a_clear_page(client, token, content_type):
    pairs = [*_pairs(submission(token)), ("padding", "z" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE)]
    response = client.generic("POST", SURVEY, _encode(pairs, content_type), content_type)
    html = response.content.decode()
    assert response.status_code == 413
    assert "Sorry, that was too much to send" in html
    assert f"shorten it to {FREE_TEXT_MAX_LENGTH} characters" in html
    assert "Leave this site" in html
    assert not SurveyResponse.objects.exists()


def test_the_size_limit_lets_exactly_the_limit_through(client, token):
    """A body of exactly DATA_UPLOAD_MAX_MEMORY_SIZE bytes is read (and, being no
    survey, shown back with its errors); one byte more is refused."""
    body = urlencode([*_pairs(submission(token)), ("padding", "")]).encode()
    body += b"z" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE - len(body))
    assert client.generic("POST", SURVEY, body, FORM).status_code != 413
    assert client.generic("POST", SURVEY, body + b"z", FORM).status_code == 413


@pytest.mark.parametrize("length", ["", "abc", "-"])
def test_a_malformed_content_length_is_read_as_no_body(client, length):
    page = client.generic("POST", SURVEY, b"", FORM, CONTENT_LENGTH=length)
    assert page.status_code == 200  # the first question again, as for an empty form
    assert not SurveyResponse.objects.exists()


def test_a_large_file_is_refused_rather_than_written_to_disk(client, token):
    """Django limits form fields but writes multipart files to disk whatever their size;
    the survey takes no files, so a body this large never gets that far."""
    upload = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="upload"; filename="photo.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode() + bytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    body = upload + b"\r\n" + _multipart(_pairs(submission(token)))
    response = client.generic("POST", SURVEY, body, MULTIPART)
    assert response.status_code == 413
    assert not SurveyResponse.objects.exists()


def test_too_many_fields_get_a_clear_page_and_store_nothing(client, token):
    pairs = _pairs(submission(token))
    pairs += [("how_reported", "phone")] * settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    response = client.generic("POST", SURVEY, urlencode(pairs).encode(), FORM)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Sorry, we could not read what was sent" in html
    assert "Leave this site" in html
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"dignity_respect": "bogus"},  # a validation error shows the answers again
        {"token": "forged"},  # so does a bad token (400)
        {"action": "change"},  # and the eligibility page carries them as hidden inputs
    ],
)
def test_markup_in_free_text_is_shown_escaped_wherever_the_answers_come_back(
    client, token, changes
):
    data = {**submission(token, free_text=f"{SCRIPT} {ATTRIBUTE_BREAK}"), **changes}
    html = client.post(SURVEY, data).content.decode()
    assert "&lt;script&gt;alert(&quot;hostile&quot;)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert SCRIPT not in html
    assert ATTRIBUTE_BREAK not in html
    assert not SurveyResponse.objects.exists()
