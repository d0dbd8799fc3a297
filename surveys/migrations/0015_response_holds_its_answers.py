"""A response holds its answers: the choices by question in one JSON object, and the
free text in a column of its own; the answer table (one row per answer) goes.

Each submission wrote some 37 answer rows, with as many primary-key entries and
foreign-key checks; now it writes one row. surveys_choices(choices) gives a response's
choices back as the rows the table held, (question, choice), for the tally and
breakdowns to count. Existing answers move across, and back again when migrating
backwards.
"""

import django.db.models.lookups
from django.db import migrations, models

# One SELECT, so that PostgreSQL inlines it into the queries that call it.
CHOICES_FUNCTION = """
    CREATE FUNCTION surveys_choices(choices jsonb)
    RETURNS TABLE (question text, choice text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
        SELECT given.key, chosen.value
        FROM jsonb_each(choices) AS given, jsonb_array_elements_text(given.value) AS chosen
    $$
"""

NO_TIMEOUT = "SET LOCAL statement_timeout = 0"

# One pass over the answer table in its key order (response, question, choice).
MOVE_IN = """
    UPDATE surveys_response r
    SET choices = given.choices, free_text = given.free_text
    FROM (
        SELECT response_id,
               coalesce(jsonb_object_agg(question, chosen) FILTER (WHERE chosen IS NOT NULL),
                        '{}') AS choices,
               coalesce(max(text) FILTER (WHERE question = 'free_text'), '') AS free_text
        FROM (
            SELECT response_id, question, max(text) AS text,
                   jsonb_agg(choice ORDER BY choice) FILTER (WHERE choice <> '') AS chosen
            FROM surveys_answer
            GROUP BY response_id, question
        ) AS answered
        GROUP BY response_id
    ) AS given
    WHERE given.response_id = r.id
"""

MOVE_OUT = """
    INSERT INTO surveys_answer (response_id, question, choice, text)
    SELECT r.id, given.key, chosen.value, ''
    FROM surveys_response r,
         jsonb_each(r.choices) AS given,
         jsonb_array_elements_text(given.value) AS chosen
    UNION ALL
    SELECT id, 'free_text', '', free_text FROM surveys_response WHERE free_text <> ''
"""


def forget_the_answer_model(apps, schema_editor):
    """Its content type, and with it its permissions, would linger in the admin's lists
    (Django makes them again if migrating backwards)."""
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="surveys", model="answer").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0014_receipt_nonce_pattern_unindexed"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="choices",
            field=models.JSONField(blank=True, default=dict, verbose_name="choices"),
        ),
        migrations.AddField(
            model_name="response",
            name="free_text",
            field=models.TextField(blank=True, default="", verbose_name="free text"),
        ),
        # Moving a million responses' answers outlasts the web's 30-second statement
        # timeout (settings.py); SET LOCAL lifts it for the rest of this migration.
        migrations.RunSQL([NO_TIMEOUT, MOVE_IN], reverse_sql=[NO_TIMEOUT, MOVE_OUT]),
        migrations.DeleteModel(name="Answer"),
        migrations.RunPython(forget_the_answer_model, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.Exact(
                    models.Func(
                        "choices", function="jsonb_typeof", output_field=models.TextField()
                    ),
                    "object",
                ),
                name="response_choices_by_question",
            ),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                condition=models.Q(("free_text", ""), _negated=True),
                fields=["id"],
                name="response_free_text",
            ),
        ),
        migrations.RunSQL(CHOICES_FUNCTION, reverse_sql="DROP FUNCTION surveys_choices"),
    ]
