"""Reference data: the police forces, from surveys.forces."""

from django.db import migrations


def load_forces(apps, schema_editor):
    from surveys.forces import load_forces

    load_forces(apps.get_model("surveys", "Force"))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(load_forces, migrations.RunPython.noop)]
