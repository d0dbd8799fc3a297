"""Reference data: the police forces, from surveys.forces."""

from django.db import migrations


def load_forces(apps, schema_editor):
    from surveys.forces import FORCES

    Force = apps.get_model("surveys", "Force")
    for slug, name in FORCES:
        Force.objects.update_or_create(slug=slug, defaults={"name": str(name)})


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(load_forces, migrations.RunPython.noop)]
