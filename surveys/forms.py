"""Forms built from the questionnaire definition, rendered with GOV.UK Frontend markup.

Validation only protects the data: unknown choices, over-long text, an exclusive option
combined with others. Every question but the two eligibility ones is optional.
"""

import functools
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, cast

from crispy_forms.helper import FormHelper
from crispy_forms_gds.choices import Choice as GdsChoice
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from surveys import tokens
from surveys.questionnaire import (
    AGE_GATE,
    ELIGIBILITY,
    FREE_TEXT_MAX_LENGTH,
    QUESTIONNAIRES,
    Audience,
    Kind,
    Question,
    Questionnaire,
    Section,
    audience_for,
)

# A form's fields by name, and what builds them (see ValidationOnly.fields).
Fields = dict[str, forms.Field]
FieldsBuilder = Callable[..., Fields]

INVALID_CHOICE = _("Choose one of the answers shown for this question")


def _gds_choices(question: Question) -> list[GdsChoice]:
    """Choices for crispy-forms-gds: hints, and an "or" divider before the first
    exclusive choice, as in the GOV.UK Design System's "None" option."""
    choices: list[GdsChoice] = []
    for index, choice in enumerate(question.choices):
        following = question.choices[index + 1] if index + 1 < len(question.choices) else None
        extra: dict[str, object] = {"exclusive": choice.exclusive}
        if choice.hint:
            extra["hint"] = choice.hint
        if following and following.exclusive and not choice.exclusive:
            extra["divider"] = _("or")
        choices.append(GdsChoice(choice.key, choice.label, **extra))
    return choices


if TYPE_CHECKING:
    # What the mixin below is mixed into; at run time it adds to whichever choice field.
    _KeyedChoicesBase = forms.ChoiceField
else:
    _KeyedChoicesBase = object


class _KeyedChoices(_KeyedChoicesBase):
    """A question's answers checked against a set of its choices' keys, in the field's
    ``validate()`` (Django's documented hook for a field's own checks). Django's choice
    fields walk every choice for each answer (``ChoiceField.valid_value``, which is not
    documented): some 40 µs of validating a submission."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Django keeps a field's choices as (key, label) pairs, however they were given
        # (the stubs' type is what may be given).
        choices = cast("Iterable[tuple[object, object]]", self.choices)
        self.keys = frozenset(str(key) for key, _label in choices)

    def validate(self, value: object) -> None:
        forms.Field.validate(self, value)  # required, as Django's choice fields
        for answer in value if isinstance(value, list) else [value] if value else []:
            if answer not in self.keys:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": answer},
                )


class _ChoiceField(_KeyedChoices, forms.ChoiceField):
    pass


class _MultipleChoiceField(_KeyedChoices, forms.MultipleChoiceField):
    def to_python(self, value: object) -> list[str]:
        # A box ticked twice (only a hand-made request can do that) is one answer.
        return list(dict.fromkeys(super().to_python(value)))


class _Common(TypedDict):
    label: StrOrPromise
    help_text: StrOrPromise
    required: bool


def _field_for(question: Question, required: bool = False) -> forms.Field:
    common: _Common = {"label": question.text, "help_text": question.hint, "required": required}
    if question.kind is Kind.TEXT:
        return forms.CharField(
            max_length=FREE_TEXT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off", "spellcheck": "true"}),
            error_messages={
                "max_length": _(
                    "Your answer must be %(limit_value)d characters or fewer. It is "
                    "%(show_value)d characters now: please shorten it."
                ),
                "null_characters_not_allowed": _(
                    "Your answer contains characters we cannot store"
                ),
            },
            **common,
        )
    messages = {"invalid_choice": INVALID_CHOICE, "invalid_list": INVALID_CHOICE}
    if question.kind is Kind.MULTIPLE:
        return _MultipleChoiceField(
            choices=_gds_choices(question),
            widget=forms.CheckboxSelectMultiple,
            error_messages=messages,
            **common,
        )
    if question.select:
        return _ChoiceField(
            choices=[("", _("Choose one")), *((c.key, c.label) for c in question.choices)],
            error_messages=messages,
            **common,
        )
    return _ChoiceField(
        choices=_gds_choices(question),
        widget=forms.RadioSelect,
        error_messages=messages,
        **common,
    )


def _layout_field(question: Question) -> Field:
    if question.kind is Kind.TEXT:
        return Field.textarea(
            question.key, label_size=Size.SMALL, max_characters=FREE_TEXT_MAX_LENGTH
        )
    if question.kind is Kind.MULTIPLE:
        return Field.checkboxes(question.key, legend_size=Size.SMALL)
    if question.select:
        return Field.select(question.key, label_size=Size.SMALL)
    return Field.radios(question.key, legend_size=Size.SMALL)


def _fields_for(sections: Iterable[Section], required: bool = False) -> Fields:
    return {
        question.key: _field_for(question, required=required)
        for section in sections
        for question in section.questions
    }


class ValidationOnly:
    """What makes a form that is only validated, never shown, cheap: the one place in
    the forms that leans on how Django validates a form rather than on what it documents.

    Every submission's form is built and validated. Building its fields costs about
    0.9 ms, most of what the app spends on a submission; Django's BoundField, which
    works out ids, labels and help text for each field when it is made, some 0.1 ms
    more. So a form that is only validated (``validation_only=True``):

    - shares its fields with every such form: ``fields(build, *args)`` builds them once
      per process. Django copies a form's fields for each form because showing a form
      changes them (its widgets' attributes). This relies on validating a form never
      changing its fields, which Django does not promise;
    - makes its bound fields with ``BoundField`` below (through ``bound_field_class``,
      which Django documents), which skips Django's ``BoundField.__init__``. This relies
      on validation reading only the form, field, name and html_name of a bound field.

    A form to show makes its own fields and Django's bound fields: so an invalid
    submission's form is built twice, shared to be validated, then its own to show the
    errors (surveys.views). tests/test_upgrade_canaries.py fails if a Django upgrade
    changes either of the two things relied on.
    """

    @staticmethod
    @functools.cache
    def fields(build: FieldsBuilder, *args: Hashable) -> Fields:
        """``build(*args)``, once per process: fields to share, never to show."""
        return build(*args)

    class BoundField(BoundField):
        """All that validating a field needs of Django's BoundField: where its data is."""

        def __init__(self, form: forms.BaseForm, field: forms.Field, name: str) -> None:
            self.form = form
            self.field = field
            self.name = name
            self.html_name = form.add_prefix(name)


class _QuestionnaireForm(forms.Form):
    """Fields for some sections of the questionnaire, one helper per section so that a
    template can put each section in its own region. ``build(*build_args)`` makes the
    fields; a form that is only validated, never shown, shares them (ValidationOnly).
    """

    def __init__(
        self,
        *args: Any,
        sections: Sequence[Section],
        build: FieldsBuilder,
        build_args: tuple[Hashable, ...] = (),
        validation_only: bool,
        **kwargs: Any,
    ) -> None:
        if validation_only:
            kwargs["bound_field_class"] = ValidationOnly.BoundField
            fields = ValidationOnly.fields(build, *build_args)
        else:
            fields = build(*build_args)
        super().__init__(*args, **kwargs)
        self.sections = sections
        self.fields.update(fields)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def section_helpers(self) -> Iterator[tuple[Section, FormHelper]]:
        for section in self.sections:
            helper = FormHelper()
            helper.form_tag = False
            helper.disable_csrf = True
            helper.layout = Layout(*(_layout_field(q) for q in section.questions))
            yield section, helper

    def clean(self) -> dict[str, Any]:
        # BaseForm.clean returns cleaned_data; the stubs allow None, for overrides' sake.
        cleaned = cast("dict[str, Any]", super().clean())
        for section in self.sections:
            for question in section.questions:
                chosen = cleaned.get(question.key)
                if question.kind is not Kind.MULTIPLE or not chosen or len(chosen) < 2:
                    continue
                for choice in question.choices:
                    if choice.exclusive and choice.key in chosen:
                        self.add_error(
                            question.key,
                            _("Select “%(choice)s” on its own, or unselect it")
                            % {"choice": choice.label},
                        )
        return cleaned

    def answers(self) -> dict[str, str | list[str]]:
        """The answers given, by question key, leaving out questions left blank."""
        return {key: value for key, value in self.cleaned_data.items() if value}


def _eligibility_fields() -> Fields:
    fields = _fields_for([ELIGIBILITY], required=True)
    fields[AGE_GATE].error_messages["required"] = _("Select whether you are aged 18 or over")
    fields["reported"].error_messages["required"] = _(
        "Select whether what happened was reported to the police"
    )
    return fields


class EligibilityForm(_QuestionnaireForm):
    """Whether the survey is for this person, and which sections apply to them."""

    def __init__(self, *args: Any, validation_only: bool = False, **kwargs: Any) -> None:
        super().__init__(
            *args,
            sections=[ELIGIBILITY],
            build=_eligibility_fields,
            validation_only=validation_only,
            **kwargs,
        )


def _survey_fields(version: str, audience: Audience) -> Fields:
    fields = _fields_for(QUESTIONNAIRES[version].sections_for(audience))
    for question in ELIGIBILITY.questions:
        fields[question.key] = _ChoiceField(
            choices=[(c.key, c.label) for c in question.choices],
            widget=forms.HiddenInput,
            error_messages={"invalid_choice": INVALID_CHOICE},
        )
    fields["token"] = forms.CharField(widget=forms.HiddenInput, required=False)
    # Which questions the page showed: see surveys.views._submit.
    fields["version"] = forms.CharField(widget=forms.HiddenInput, required=False)
    return fields


class SurveyForm(_QuestionnaireForm):
    """The questions one version of the questionnaire asks one respondent, chosen by
    their eligibility answers, which travel with the form as hidden fields together with
    the single-use token and the version."""

    def __init__(
        self,
        *args: Any,
        questionnaire: Questionnaire,
        reported: str | None,
        validation_only: bool = False,
        **kwargs: Any,
    ) -> None:
        audience = audience_for(reported)
        kwargs["initial"] = {**kwargs.get("initial", {}), "version": questionnaire.version}
        super().__init__(
            *args,
            sections=questionnaire.sections_for(audience),
            build=_survey_fields,
            build_args=(questionnaire.version, audience),
            validation_only=validation_only,
            **kwargs,
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("age_18_or_over") != "yes" and "age_18_or_over" in cleaned:
            raise forms.ValidationError(_("This survey is for people aged 18 or over."))
        return cleaned

    @property
    def nonce(self) -> str | None:
        return tokens.nonce_from(self.data.get("token"))

    def answers(self) -> dict[str, str | list[str]]:
        answers = super().answers()
        answers.pop("token", None)
        answers.pop("version", None)
        answers.pop(AGE_GATE, None)
        return answers
