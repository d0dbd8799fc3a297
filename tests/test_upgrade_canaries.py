"""Upgrade canaries: each test checks something the app relies on in Django or psycopg
that their documentation does not promise, so that an upgrade which changes it turns
these red rather than leaving the app silently wrong. Each guards one seam, whose
docstring says what it relies on:

- surveys.forms.ValidationOnly: fields shared between forms that are only validated,
  and bound fields made without Django's BoundField.__init__.

If one fails after an upgrade, read the seam's docstring: change the seam to match the
new behaviour, or drop the optimisation for Django's documented way, and measure
(make bench).
"""

import inspect
import pickle

from django.forms import BoundField
from django.http import QueryDict

from surveys import tokens
from surveys.forms import EligibilityForm, SurveyForm, ValidationOnly
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


def test_djangos_bound_field_sets_what_validation_only_bound_fields_leave_out():
    form = SurveyForm(questionnaire=live(), reported="yes_myself")
    field = form.fields["believed"]
    assert set(vars(BoundField(form, field, "believed"))) == DJANGO_BOUND_FIELD_ATTRIBUTES
    light = ValidationOnly.BoundField(form, field, "believed")
    assert set(vars(light)) == {"form", "field", "name", "html_name"}
    assert inspect.signature(ValidationOnly.BoundField.__init__) == inspect.signature(
        BoundField.__init__
    )
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
