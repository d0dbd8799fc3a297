"""Upgrade canaries: each test checks something the app relies on in Django or psycopg
that their documentation does not promise, so that an upgrade which changes it turns
these red rather than leaving the app silently wrong. Each guards one seam, whose
docstring says what it relies on:

- surveys.forms.ValidationOnly: fields shared between forms that are only validated,
  and bound fields made without Django's BoundField.__init__;
- surveys.kept.KeptPage: gzip written as Django's GZipMiddleware writes it;
- surveys.prepared.fetch_one_prepared: a psycopg cursor on Django's connection.

If one fails after an upgrade, read the seam's docstring: change the seam to match the
new behaviour, or drop the optimisation for Django's documented way, and measure
(make bench).
"""

import gzip
import inspect
import pickle

import psycopg
import pytest
from django import db
from django.db import connection
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.gzip import GZipMiddleware
from django.utils.text import compress_string

from surveys import tokens
from surveys.forms import EligibilityForm, SurveyForm, ValidationOnly
from surveys.kept import SLOT, KeptPage
from surveys.questionnaire import AGE_GATE, FREE_TEXT_MAX_LENGTH, YES, live
from tests.survey_data import submission

# ---- surveys.forms.ValidationOnly ------------------------------------------------------

# What Django's BoundField.__init__ sets. ValidationOnly.BoundField sets only the first
# four: validation reads nothing else. A new attribute here may be one validation reads.
DJANGO_BOUND_FIELD_ATTRIBUTES = {
    "form",
    "field",
    "name",
    "html_name",
    "html_initial_name",
    "html_initial_id",
    "label",
    "help_text",
    "renderer",
}


def _query(data):
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def _submissions():
    """Survey submissions valid and invalid in every way a field can be."""
    token = tokens.issue()
    return [
        submission(token),
        submission(token, reported="no"),
        submission(token, believed="sometimes-maybe"),
        submission(token, how_reported=["phone", "online", "phone"]),
        submission(token, how_reported=["phone", "nonsense"]),
        submission(token, how_reported="phone"),
        submission(token, believed=["always", "never"]),
        submission(token, other_support=["rape_crisis", "none"]),
        submission(token, free_text="x" * (FREE_TEXT_MAX_LENGTH + 1)),
        submission(token, free_text="nul \x00 byte"),
        submission(token, age_18_or_over="no"),
        submission(token, reported="perhaps"),
        submission(token, force="atlantis", believed=""),
        {"stage": "answers", "reported": "yes_myself"},
        {},
    ]


def _outcome(form):
    valid = form.is_valid()
    return valid, form.errors.get_json_data(), form.cleaned_data


def _parameters(function):
    return [
        (parameter.name, parameter.kind, parameter.default)
        for parameter in inspect.signature(function).parameters.values()
    ]


def test_djangos_bound_field_sets_what_validation_only_bound_fields_leave_out():
    form = SurveyForm(questionnaire=live(), reported="yes_myself")
    field = form.fields["believed"]
    assert set(vars(BoundField(form, field, "believed"))) == DJANGO_BOUND_FIELD_ATTRIBUTES
    light = ValidationOnly.BoundField(form, field, "believed")
    assert set(vars(light)) == {"form", "field", "name", "html_name"}
    # The same parameters as Django's (ours are annotated and Django's are not).
    assert _parameters(ValidationOnly.BoundField.__init__) == _parameters(BoundField.__init__)
    # Through Form.bound_field_class, as Django documents it.
    shared = SurveyForm(_query({}), questionnaire=live(), reported="no", validation_only=True)
    assert type(shared["free_text"]) is ValidationOnly.BoundField


def test_forms_only_validated_validate_as_forms_of_their_own():
    """Shared fields and light bound fields give the errors and the cleaned answers a
    form with its own fields and Django's bound fields gives, for every kind of input."""
    for data in _submissions():
        data = _query(data)
        reported = data.get("reported")
        own = SurveyForm(data, questionnaire=live(), reported=reported)
        shared = SurveyForm(data, questionnaire=live(), reported=reported, validation_only=True)
        assert _outcome(shared) == _outcome(own), data
    for data in [{AGE_GATE: YES, "reported": "no"}, {AGE_GATE: "maybe"}, {}]:
        own, shared = (
            EligibilityForm(_query(data)),
            EligibilityForm(_query(data), validation_only=True),
        )
        assert _outcome(shared) == _outcome(own), data


def test_validating_forms_never_changes_the_fields_they_share():
    forms_fields = []
    for reported in ("yes_myself", "no"):
        form = SurveyForm(
            _query({}), questionnaire=live(), reported=reported, validation_only=True
        )
        form.is_valid()
        forms_fields.append(form.fields)
    eligibility = EligibilityForm(_query({}), validation_only=True)
    eligibility.is_valid()
    forms_fields.append(eligibility.fields)
    before = [pickle.dumps(dict(each)) for each in forms_fields]
    for data in _submissions():
        data = _query(data)
        SurveyForm(
            data, questionnaire=live(), reported=data.get("reported"), validation_only=True
        ).is_valid()
        EligibilityForm(data, validation_only=True).is_valid()
    assert [pickle.dumps(dict(each)) for each in forms_fields] == before


# ---- surveys.kept.KeptPage ---------------------------------------------------------------

ACCEPT_ENCODINGS = [
    "gzip",
    "gzip, deflate, br",
    "br, gzip;q=0.5",
    "x-gzip",
    "gzip;q=0",
    "GZIP",
    "Gzip",
    "gzipped",
    "deflate, br",
    "identity",
    "*",
    "",
]


def _request(accept_encoding):
    request = HttpRequest()
    request.META["HTTP_ACCEPT_ENCODING"] = accept_encoding
    return request


@pytest.mark.parametrize("accept_encoding", ACCEPT_ENCODINGS)
def test_kept_pages_are_compressed_exactly_when_djangos_middleware_would(accept_encoding):
    request = _request(accept_encoding)
    page = HttpResponse(b"<p>A page long enough to be worth compressing.</p>" * 20)
    by_django = GZipMiddleware(lambda request: page).process_response(request, page)
    compressed = by_django.get("Content-Encoding") == "gzip"
    assert KeptPage.accepts_gzip(request) is compressed


def test_djangos_middleware_leaves_a_kept_page_compressed_once():
    kept = KeptPage(f"<p>{SLOT}</p>" + "<p></p>" * 99).response(_request("gzip"), b"token")
    content = kept.content
    after = GZipMiddleware(lambda request: kept).process_response(_request("gzip"), kept)
    assert after.content == content
    assert after["Content-Encoding"] == "gzip"
    assert gzip.decompress(after.content) == b"<p>token</p>" + b"<p></p>" * 99


def test_djangos_defence_against_breach_is_a_random_length_name_in_the_gzip_header():
    """Kept pages copy it: a name of 1 to max_random_bytes letters in each header."""
    limit = GZipMiddleware.max_random_bytes
    assert isinstance(limit, int)
    assert limit > 1
    content = b"<p>A page long enough to be worth compressing.</p>" * 20
    djangos = {compress_string(content, max_random_bytes=limit) for _ in range(50)}
    ours = {KeptPage(content.decode()).gzipped(b"") for _ in range(50)}
    for name, replies in (("Django", djangos), ("kept pages", ours)):
        assert len({len(reply) for reply in replies}) > 1, name
        for reply in replies:
            assert reply[3] & gzip.FNAME, name
            name_length = reply.index(b"\x00", 10) - 10
            assert name_length <= limit, name
            assert gzip.decompress(reply) == content, name


# ---- surveys.prepared.fetch_one_prepared ----------------------------------------------


@pytest.mark.django_db
def test_djangos_connection_is_a_psycopg_connection_whose_cursors_can_prepare():
    with connection.cursor():
        assert isinstance(connection.connection, psycopg.Connection)
    assert "prepare" in inspect.signature(psycopg.Cursor.execute).parameters
    with connection.cursor(), psycopg.Cursor(connection.connection) as cursor:
        cursor.execute("SELECT %(text)s::text", {"text": "it's bound"}, prepare=True)
        assert cursor.fetchone() == ("it's bound",)
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1%'"
        )
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raised", "caught", "checked"),
    [
        (psycopg.OperationalError, db.OperationalError, True),
        (psycopg.InterfaceError, db.InterfaceError, True),
        (psycopg.errors.UniqueViolation, db.IntegrityError, False),
    ],
)
def test_djangos_error_wrapper_turns_psycopgs_errors_into_djangos(raised, caught, checked):
    """The views catch django.db's errors, and Django checks a connection such an error
    went through when the request ends, closing it if broken (not for a refused row)."""
    connection.ensure_connection()
    connection.errors_occurred = False
    with pytest.raises(caught) as error, connection.wrap_database_errors:
        raise raised("the database went away")
    assert isinstance(error.value.__cause__, raised)
    assert connection.errors_occurred is checked
