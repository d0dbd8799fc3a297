"""Django gives a text primary key a second index for LIKE queries. Nothing looks a
receipt's nonce up by pattern, only by equality (the primary key's own index), so every
submission was writing to an index no query reads. Dropped without locking out
submissions."""

from django.db import migrations

INDEX = "surveys_submissionreceipt_nonce_21761e4e_like"


class Migration(migrations.Migration):
    atomic = False  # concurrent index operations cannot run in a transaction

    dependencies = [
        ("surveys", "0013_answer_count_unindexed"),
    ]

    operations = [
        migrations.RunSQL(
            f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}",
            reverse_sql=(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
                "ON surveys_submissionreceipt (nonce varchar_pattern_ops)"
            ),
        ),
    ]
