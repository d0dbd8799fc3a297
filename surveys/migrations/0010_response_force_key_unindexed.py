import django.db.models.deletion
from django.db import migrations, models

# Django would drop and re-create the foreign key to drop its indexes, checking every
# response again under lock; dropping the two indexes is all the database needs.
INDEXES = {
    "surveys_response_force_id_645b4578": "(force_id)",
    "surveys_response_force_id_645b4578_like": "(force_id varchar_pattern_ops)",
}


class Migration(migrations.Migration):
    atomic = False  # concurrent index operations cannot run in a transaction

    dependencies = [
        ("surveys", "0009_answer_free_text_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="response",
                    name="force",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text=(
                            "Empty when the respondent did not report, did not know or "
                            "preferred not to say."
                        ),
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="responses",
                        to="surveys.force",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
                    reverse_sql=(
                        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
                        f"ON surveys_response {columns}"
                    ),
                )
                for name, columns in INDEXES.items()
            ],
        ),
    ]
