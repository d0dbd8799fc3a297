from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking out submissions while it builds (seconds at a million
    # responses), so it cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("surveys", "0008_breakdown_tallies"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="answer",
            index=models.Index(
                condition=models.Q(("question", "free_text")),
                fields=["response"],
                name="answer_free_text",
            ),
        ),
    ]
