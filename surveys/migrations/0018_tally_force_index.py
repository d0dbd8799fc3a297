"""An index for one force's views of the results, which otherwise read every force's
tally rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0017_national_tallies"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="answertally",
            index=models.Index(fields=["force", "month"], name="tally_force_month"),
        ),
    ]
