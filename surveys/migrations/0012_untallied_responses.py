"""Submissions no longer add themselves to AnswerTally one upsert at a time: they join a
queue, UntalliedResponse, which AnswerTally.objects.catch_up() counts into the tally in
one go. Going back, whatever is still queued is counted first, so no response is lost
from the tally when the queue goes."""

import django.db.models.deletion
from django.db import migrations, models

# As surveys.models.AnswerTallyManager counted the queue when this migration was written.
CATCH_UP = """
    WITH queued AS (
        DELETE FROM surveys_untalliedresponse RETURNING response_id
    ), response AS (
        SELECT r.id, r.submitted_month, coalesce(r.force_id, '') AS force, r.reported
        FROM queued JOIN surveys_response r ON r.id = queued.response_id
    ), key (month, force, reported, question, choice) AS (
        SELECT submitted_month, force, reported, '', '' FROM response
        UNION ALL
        SELECT DISTINCT ON (r.id, a.question)
               r.submitted_month, r.force, r.reported, a.question, ''
        FROM response r JOIN surveys_answer a ON a.response_id = r.id
        WHERE a.question = ANY(%s)
        UNION ALL
        SELECT r.submitted_month, r.force, r.reported, a.question, a.choice
        FROM response r JOIN surveys_answer a ON a.response_id = r.id
        WHERE a.choice <> ''
    )
    INSERT INTO surveys_answertally AS tally
        (month, force, reported, question, choice, responses)
    SELECT month, force, reported, question, choice, count(*)
    FROM key
    GROUP BY month, force, reported, question, choice
    ORDER BY month, force COLLATE "C", reported, question COLLATE "C", choice COLLATE "C"
    ON CONFLICT (month, force, reported, question, choice)
    DO UPDATE SET responses = tally.responses + EXCLUDED.responses
"""
# The questions counted apart (checkboxes and free text), as in 0011.
ANSWERED_APART = [
    "free_text",
    "how_reported",
    "other_support",
    "reasons_not_reported",
    "reasons_reported",
]


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0011_tally_single_choice_answered"),
    ]

    operations = [
        migrations.CreateModel(
            name="UntalliedResponse",
            fields=[
                (
                    "response",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="surveys.response",
                    ),
                ),
            ],
        ),
        # Nothing to do going forward: the tally counts every response so far.
        migrations.RunSQL(migrations.RunSQL.noop, reverse_sql=[(CATCH_UP, [ANSWERED_APART])]),
    ]
