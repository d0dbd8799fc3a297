"""The tallies' count of responses is ``response_count``: ``responses`` read as the
responses themselves. Renaming a column changes only the catalogue, at any size."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("surveys", "0020_audit_actions")]

    operations = [
        migrations.RenameField("answertally", "responses", "response_count"),
        migrations.RenameField("nationaltally", "responses", "response_count"),
        migrations.RenameField("breakdowntally", "responses", "response_count"),
    ]
