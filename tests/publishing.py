"""Publishing months in tests: analysts see only published months, and a test's
submissions land in the current month, which is published once it has closed."""

from datetime import date

from surveys import months
from surveys.models import SurveyResponse, UntalliedResponse
from surveys.publication import publish_due
from surveys.questionnaire import QUESTIONNAIRE


def publish_everything():
    """Publish every month up to and including the current one, as the schedule would
    once the current month has closed."""
    return publish_due(months.shift(date.today(), 2))


def store(month, answers, force="kent"):
    """Reporters' responses to ``force`` in ``month``, one for each entry of ``answers``
    (question to a list of choices), queued for the tally as submissions are, with
    record keys spread over their range."""
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            questionnaire_version=QUESTIONNAIRE.version,
            force_id=force,
            reported=True,
            submitted_month=month,
            choices={"reported": ["yes_myself"], "force": [force], **given},
            record_key=(index * 37) % 256,
        )
        for index, given in enumerate(answers)
    )
    UntalliedResponse.objects.bulk_create(UntalliedResponse(response=r) for r in responses)
