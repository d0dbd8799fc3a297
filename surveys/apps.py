from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Survey responses")

    def ready(self) -> None:
        # Importing them registers the deployment checks and connects the receivers.
        from surveys import checks, database_roles, signals  # noqa: F401


class SoteriaAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site that adds the results pages."""

    default = False
    default_site = "surveys.admin_site.SoteriaAdminSite"
