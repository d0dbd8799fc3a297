"""Our reporter's survey as one django-survey-and-report Survey, and a complete submission
of it.

    python -m benchmarks.yardstick.survey     (with the yardstick's settings)

Makes the survey (or reuses it when its questions are already ours), empties its
responses, and prints JSON: the survey page's path, the number of questions, whether
the survey was reused, and the urlencoded POST body (without the CSRF token) answering
every question as tests/survey_data.py does.
"""

import json
from datetime import date
from urllib.parse import urlencode

import django
from django.db import connection, transaction
from django.utils.text import slugify

NAME = "Police Experience Survey (Soteria yardstick)"
# Published from long ago until far ahead, so the survey never expires between runs.
PUBLISHED = date(2000, 1, 1)
EXPIRES = date(2999, 12, 31)


def _questions():
    """(section title, section intro, question) for each of our reporter's questions."""
    from surveys.questionnaire import Audience, live

    return [
        (str(section.title), str(section.intro), question)
        for section in live().sections_for(Audience.REPORTED)
        for question in section.questions
    ]


def _type(question):
    from survey.models import Question

    from surveys.questionnaire import Kind

    if question.kind is Kind.MULTIPLE:
        return Question.SELECT_MULTIPLE
    if question.kind is Kind.TEXT:
        return Question.TEXT
    return Question.SELECT if question.select else Question.RADIO


def _value(question, choice_key):
    """What the package's form posts for one of our choices: the slug of its label."""
    return slugify(str(question.label_for(choice_key)), allow_unicode=True)


def _wanted():
    """Each question as the package stores it: (category, text, type, choices)."""
    from django.conf import settings

    wanted = []
    for title, _intro, question in _questions():
        labels = [str(choice.label) for choice in question.choices]
        if len({slugify(label, allow_unicode=True) for label in labels}) != len(labels):
            raise SystemExit(f"{question.key}: two choices would post the same value")
        if any(settings.CHOICES_SEPARATOR in label for label in labels):
            raise SystemExit(f"{question.key}: a label contains CHOICES_SEPARATOR")
        choices = settings.CHOICES_SEPARATOR.join(labels) or None
        wanted.append((title, str(question.text), _type(question), choices))
    return wanted


def _stored(survey):
    return [
        (q.category.name, q.text, q.type, q.choices)
        for q in survey.questions.select_related("category").order_by("order")
    ]


@transaction.atomic
def _create():
    from survey.models import Category, Question, Survey

    Survey.objects.filter(name=NAME).delete()
    survey = Survey.objects.create(
        name=NAME,
        description="The reporter's questions of the Police Experience Survey.",
        need_logged_user=False,
        editable_answers=True,
        display_method=Survey.ALL_IN_ONE_PAGE,
        publish_date=PUBLISHED,
        expire_date=EXPIRES,
    )
    categories = {}
    for order, ((title, intro, _question), (_, text, kind, choices)) in enumerate(
        zip(_questions(), _wanted(), strict=True), start=1
    ):
        if title not in categories:
            categories[title] = Category.objects.create(
                survey=survey, name=title, description=intro, order=len(categories) + 1
            )
        Question.objects.create(
            survey=survey,
            category=categories[title],
            order=order,
            text=text,
            type=kind,
            choices=choices,
            required=False,  # as ours: every question but eligibility is optional
        )
    return survey


def prepare():
    """The survey, made afresh unless one with our questions exists; (survey, reused)."""
    from survey.models import Survey

    survey = Survey.objects.filter(name=NAME).first()
    if survey is not None and _stored(survey) == _wanted():
        Survey.objects.filter(pk=survey.pk).update(
            is_published=True, publish_date=PUBLISHED, expire_date=EXPIRES
        )
        return survey, True
    return _create(), False


def empty():
    """Delete every stored response (and its answers)."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE survey_answer, survey_response")


def submission(survey):
    """POST data answering every question as tests/survey_data.py's reporter does."""
    from tests.survey_data import ABOUT_YOU, REPORTER_ANSWERS

    answers = {**REPORTER_ANSWERS, **ABOUT_YOU}
    stored = list(survey.questions.order_by("order"))
    data = {}
    for (_title, _intro, question), field in zip(_questions(), stored, strict=True):
        answer = answers[question.key]
        if field.type == field.TEXT:
            value = answer
        elif isinstance(answer, list):
            value = [_value(question, key) for key in answer]
        else:
            value = _value(question, answer)
        data[f"question_{field.pk}"] = value
    return data


def main():
    django.setup()
    survey, reused = prepare()
    empty()
    print(
        json.dumps(
            {
                "path": f"/survey/{survey.pk}/",
                "questions": survey.questions.count(),
                "reused": reused,
                "body": urlencode(submission(survey), doseq=True),
            }
        )
    )


if __name__ == "__main__":
    main()
