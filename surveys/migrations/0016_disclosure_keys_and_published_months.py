"""Disclosure control keys and published months (docs/disclosure.md).

Every response gets a secret random record key, drawn by PostgreSQL's
gen_random_uuid() (a strong random source) as the column is added, in one pass over
the table. Tallies get cell keys, summed afresh from the responses' keys. Kept
breakdown counts are dropped, with the record of which months they covered: publishing
a month (manage.py publish_results) counts them again, with their cell keys. No month
is published when this has run: run publish_results once straight after.
"""

from django.db import migrations, models

import surveys.models

# At a million responses this outlasts the web's statement timeout, and summing the
# tallies' cell keys spills to disk with the default working memory.
NO_TIMEOUT = "SET LOCAL statement_timeout = 0; SET LOCAL work_mem = '256MB'"

# A random byte of a version-4 UUID: its first byte is all random bits.
ADD_RECORD_KEYS = """
    ALTER TABLE surveys_response
    ADD COLUMN record_key smallint NOT NULL
    DEFAULT get_byte(uuid_send(gen_random_uuid()), 0)
    CHECK (record_key >= 0);
    ALTER TABLE surveys_response ALTER COLUMN record_key DROP DEFAULT;
"""

# Each tally row's cell key, summed in one pass over the responses as the tally counts
# them (AnswerTallyManager._CATCH_UP); queued responses are not in the tally yet, so
# they are left out here too.
TALLY_CELL_KEYS = """
    WITH response AS (
        SELECT r.id, r.submitted_month, coalesce(r.force_id, '') AS force, r.reported,
               r.choices, r.free_text, r.record_key
        FROM surveys_response r
        WHERE NOT EXISTS (
            SELECT FROM surveys_untalliedresponse u WHERE u.response_id = r.id
        )
    ), chosen AS (
        SELECT r.id, r.submitted_month, r.force, r.reported, r.record_key, c.question,
               c.choice
        FROM response r CROSS JOIN LATERAL surveys_choices(r.choices) c
    ), key (month, force, reported, question, choice, record_key) AS (
        SELECT submitted_month, force, reported, '', '', record_key FROM response
        UNION ALL
        SELECT submitted_month, force, reported, 'free_text', '', record_key
        FROM response
        WHERE free_text <> ''
        UNION ALL
        SELECT DISTINCT ON (id, question) submitted_month, force, reported, question, '',
               record_key
        FROM chosen
        WHERE question IN (
            SELECT DISTINCT question FROM surveys_answertally WHERE choice = ''
        )
        UNION ALL
        SELECT submitted_month, force, reported, question, choice, record_key
        FROM chosen
    ), summed AS (
        SELECT month, force, reported, question, choice, sum(record_key) % 256 AS cell_key
        FROM key
        GROUP BY month, force, reported, question, choice
    )
    UPDATE surveys_answertally t
    SET cell_key = summed.cell_key
    FROM summed
    WHERE (t.month, t.force, t.reported, t.question, t.choice)
        = (summed.month, summed.force, summed.reported, summed.question, summed.choice)
"""


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("surveys", "0015_response_holds_its_answers"),
    ]

    operations = [
        migrations.RunSQL(NO_TIMEOUT, reverse_sql=NO_TIMEOUT),
        migrations.RunSQL(
            ADD_RECORD_KEYS,
            reverse_sql="ALTER TABLE surveys_response DROP COLUMN record_key",
            state_operations=[
                migrations.AddField(
                    model_name="response",
                    name="record_key",
                    field=models.PositiveSmallIntegerField(
                        default=surveys.models.new_record_key, editable=False
                    ),
                ),
            ],
        ),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.CheckConstraint(
                condition=models.Q(record_key__lt=256), name="response_record_key_in_range"
            ),
        ),
        migrations.AddField(
            model_name="answertally",
            name="cell_key",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.RunSQL(TALLY_CELL_KEYS, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(
            "DELETE FROM surveys_breakdowntally", reverse_sql=migrations.RunSQL.noop
        ),
        migrations.DeleteModel(name="BreakdownMonth"),
        migrations.AddField(
            model_name="breakdowntally",
            name="cell_key",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.CreateModel(
            name="PublishedMonth",
            fields=[
                ("month", models.DateField(primary_key=True, serialize=False)),
                ("published_at", models.DateTimeField()),
            ],
            options={"ordering": ["month"]},
        ),
    ]
