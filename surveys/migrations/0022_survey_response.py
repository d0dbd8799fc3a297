"""The model Response is SurveyResponse, apart from HTTP responses in the code. Its table
stays surveys_response (set first, so that no table is renamed), and the admin still
calls it "response". Django names a model's own permissions after it, so the four
are renamed too: accounts and groups keep the access they had (the research group's
view_response is view_surveyresponse now)."""

from django.db import migrations

OLD, NEW = "response", "surveyresponse"
ACTIONS = ("add", "change", "delete", "view")


def rename_permissions(old, new):
    def rename(apps, schema_editor):
        Permission = apps.get_model("auth", "Permission")
        for action in ACTIONS:
            Permission.objects.filter(
                content_type__app_label="surveys", codename=f"{action}_{old}"
            ).update(codename=f"{action}_{new}")

    return rename


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("surveys", "0021_tally_response_count"),
    ]

    operations = [
        migrations.AlterModelTable(name="response", table="surveys_response"),
        migrations.RenameModel(old_name="Response", new_name="SurveyResponse"),
        migrations.AlterModelOptions(
            name="surveyresponse",
            options={
                "ordering": ["-submitted_month"],
                "permissions": [
                    ("view_results", "Can view disclosure-controlled results"),
                    ("view_all_forces", "Can view results for every force"),
                    ("view_free_text", "Can read free-text answers (redacted)"),
                    ("export_responses", "Can export individual responses (research)"),
                ],
                "verbose_name": "response",
                "verbose_name_plural": "responses",
            },
        ),
        migrations.RunPython(rename_permissions(OLD, NEW), rename_permissions(NEW, OLD)),
    ]
