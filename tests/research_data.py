"""Responses in published months, for tests of what the research role sees.

Research access covers wholly published quarters only (surveys.export.research_months),
so these go into the three months of one quarter long past, published as the daily job
would have on PUBLISHED_ON: by then the quarter was whole, and April alone of the next
one was published."""

from datetime import date

from surveys.models import SurveyResponse, UntalliedResponse
from surveys.questionnaire import QUESTIONNAIRE

QUARTER = "2025-Q1"
QUARTER_LABEL = "2025 Q1"
QUARTER_MONTHS = [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]
# publish_due(PUBLISHED_ON) publishes up to April 2025: May is not due before 8 June.
PUBLISHED_ON = date(2025, 6, 1)
PART_QUARTER_MONTH = date(2025, 4, 1)
UNPUBLISHED_MONTH = date(2025, 5, 1)


def add_responses(count, months=QUARTER_MONTHS, force="kent", reported=True, free_text=""):
    """``count`` responses spread over ``months`` and queued for the tally, as
    submissions are; their free text is ``free_text`` with its number (from 0) in it,
    so that each can be recognised in a page or an export."""
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            questionnaire_version=QUESTIONNAIRE.version,
            force_id=force,
            reported=reported,
            submitted_month=months[number % len(months)],
            choices={
                "reported": ["yes_myself" if reported else "no"],
                "dignity_respect": ["often"],
                "how_reported": ["phone", "online"],
            },
            free_text=free_text.format(number=number),
        )
        for number in range(count)
    )
    UntalliedResponse.objects.bulk_create(UntalliedResponse(response=r) for r in responses)
    return responses


def move_to_quarter(responses):
    """Move responses (submitted in this month, so not yet published) into QUARTER's
    months, one after another, before they are counted into the tally."""
    for number, response in enumerate(responses):
        response.submitted_month = QUARTER_MONTHS[number % 3]
        response.save(update_fields=["submitted_month"])
