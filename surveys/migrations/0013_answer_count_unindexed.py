"""The answer table's index by question and choice goes: every submission wrote 37
entries into it, and breakdowns find a response's answers as fast through the primary
key. Dropped (and, going back, built) without locking out submissions."""

from django.contrib.postgres.operations import RemoveIndexConcurrently
from django.db import migrations


class Migration(migrations.Migration):
    atomic = False  # concurrent index operations cannot run in a transaction

    dependencies = [
        ("surveys", "0012_untallied_responses"),
    ]

    operations = [
        RemoveIndexConcurrently(model_name="answer", name="answer_count"),
    ]
