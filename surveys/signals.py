"""Security events for staff accounts, logged for operators. Only the admin reaches
these: respondents never sign in, so no respondent address is ever logged here."""

import logging

from axes.signals import user_locked_out
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from surveys.sign_in import client_address

logger = logging.getLogger("surveys.security")


@receiver(user_logged_in)
def _signed_in(
    sender: type[AbstractBaseUser], request: HttpRequest, user: AbstractBaseUser, **kwargs: object
) -> None:
    logger.info("Staff sign-in: %s from %s", user.get_username(), client_address(request))


@receiver(user_locked_out)
def _locked_out(
    sender: str, request: HttpRequest, username: str | None, ip_address: str, **kwargs: object
) -> None:
    logger.warning("Staff account locked out: %s from %s", username, ip_address)
