"""AnswerTally no longer keeps a row counting the responses that answered a
single-choice question: that is the sum of its choices' rows, which the results add up
(surveys.models.with_answered). Delete the rows kept so far; going back puts them back
as those sums."""

from django.db import migrations

# The questions that do keep such a row (checkboxes and free text), as they were when
# this migration was written.
ANSWERED_APART = [
    "free_text",
    "how_reported",
    "other_support",
    "reasons_not_reported",
    "reasons_reported",
]

DELETE = """
    DELETE FROM surveys_answertally
    WHERE question <> '' AND choice = '' AND NOT (question = ANY(%s))
"""
RESTORE = """
    INSERT INTO surveys_answertally (month, force, reported, question, choice, responses)
    SELECT month, force, reported, question, '', sum(responses)
    FROM surveys_answertally
    WHERE choice <> '' AND NOT (question = ANY(%s))
    GROUP BY month, force, reported, question
"""


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0010_response_force_key_unindexed"),
    ]

    operations = [
        migrations.RunSQL([(DELETE, [ANSWERED_APART])], reverse_sql=[(RESTORE, [ANSWERED_APART])]),
    ]
