"""Deployment checks (`manage.py check --deploy`) for what only an operator can supply."""

from collections.abc import Sequence

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register("privacy", deploy=True)
def privacy_notice_names_who_is_responsible(
    app_configs: Sequence[AppConfig] | None, **kwargs: object
) -> list[CheckMessage]:
    """The privacy notice must say who the controller is and how to reach them; without
    these settings it shows a placeholder that no respondent can act on."""
    return [
        Warning(
            f"{name} is not set: the privacy notice shows a placeholder instead.",
            hint="Set it for this deployment; see README.md, 'Settings'.",
            id=f"surveys.W00{number}",
        )
        for number, name in enumerate(["PRIVACY_CONTROLLER", "PRIVACY_CONTACT"], 1)
        if not getattr(settings, name)
    ]


@register("privacy", "translation", deploy=True)
def welsh_pages_name_who_is_responsible_in_welsh(
    app_configs: Sequence[AppConfig] | None, **kwargs: object
) -> list[CheckMessage]:
    """The Welsh privacy notice and accessibility statement name the controller as
    PRIVACY_CONTROLLER_CY says; unset, they give its English name."""
    if not settings.PRIVACY_CONTROLLER or settings.PRIVACY_CONTROLLER_CY:
        return []
    return [
        Warning(
            "PRIVACY_CONTROLLER_CY is not set: the Welsh pages name the controller in English.",
            hint="Set it to the organisation's Welsh name, or to its English name if it "
            "has none; see README.md, 'Settings'.",
            id="surveys.W004",
        )
    ]


@register("translation", deploy=True)
def welsh_catalogue_is_compiled(
    app_configs: Sequence[AppConfig] | None, **kwargs: object
) -> list[CheckMessage]:
    """Without the compiled catalogue, or with one older than its source, the Welsh
    pages quietly show English, or last release's Welsh (docs/welsh.md)."""
    errors: list[CheckMessage] = []
    for directory in settings.LOCALE_PATHS:
        for source in directory.glob("*/LC_MESSAGES/django.po"):
            compiled = source.with_suffix(".mo")
            if not compiled.exists() or compiled.stat().st_mtime < source.stat().st_mtime:
                errors.append(
                    Warning(
                        f"{compiled} is missing or older than {source.name}.",
                        hint="Run `manage.py compilemessages --locale "
                        f"{source.parent.parent.name}` (or `make messages`).",
                        id="surveys.W003",
                    )
                )
    return errors
