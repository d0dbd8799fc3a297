"""The second factor every staff account needs: a code from an authenticator app (TOTP).

After the password (django-axes guards that step), the admin asks for a code. Someone
without an authenticator yet sets one up first: a QR code and the key to type in, then
one code to prove it works. The admin site lets nobody in until this is done
(SoteriaAdminSite.has_permission), whatever their permissions.

A lost phone is recovered by a national administrator (the "Reset second factor" action
on staff accounts) or, when no administrator can sign in, by the operator
(manage.py reset_second_factor). Either removes the account's authenticator; its owner
sets up a new one at the next sign-in.

Whoever holds the password before its owner first signs in (or after a reset) could
note a key shown on the set-up page and wait for the owner to confirm it. So every
set-up attempt gets a key of its own, shown only to the session that made it (a reload
keeps it), which must be confirmed within ENROLMENT_WINDOW; starting again anywhere
deletes every unconfirmed key. The set-up, and the first sign-in after it, are written
to the audit log with the address they came from, where national administrators see
them: an owner who did neither can tell that someone else did.
"""

import base64
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, TypeGuard

import segno
from django import forms
from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from surveys.models import AuditEntry
from surveys.sign_in import client_address

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DEVICE_NAME = "Authenticator app"
# Long enough to install an app and scan a code; a key noted by someone else goes stale.
ENROLMENT_WINDOW = timedelta(minutes=10)
# The audit log's actions for the second factor, which national administrators may read.
SET_UP = AuditEntry.Action.SET_UP_SECOND_FACTOR
FIRST_SIGN_IN = AuditEntry.Action.FIRST_SIGN_IN
RESET = AuditEntry.Action.RESET_SECOND_FACTOR
AUDITED_ACTIONS = [SET_UP, FIRST_SIGN_IN, RESET]
_ENROLMENT = "second_factor_enrolment"
logger = logging.getLogger("surveys.security")


def is_verified(user: User | AnonymousUser) -> bool:
    """True once this session's user has given a code (set by django-otp's middleware;
    a user object fresh from sign-in has no device yet)."""
    return getattr(user, "otp_device", None) is not None


def awaiting_second_factor(user: User | AnonymousUser) -> TypeGuard[User]:
    """Signed in with a password, staff, and yet to give a code."""
    return user.is_authenticated and user.is_active and user.is_staff and not is_verified(user)


def redirect_to_second_factor(request: HttpRequest) -> HttpResponse:
    target = _requested_next(request)
    url = reverse("admin:second_factor")
    return redirect(f"{url}?{urlencode({REDIRECT_FIELD_NAME: target})}" if target else url)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def reset(user: User, by: User | None) -> int:
    """Remove the user's authenticator: they set up a new one at their next sign-in, and
    any session verified with the old one stops being verified."""
    removed: int  # as QuerySet.delete() counts (TOTPDevice is untyped: django-otp)
    with transaction.atomic():
        removed, _counts = TOTPDevice.objects.filter(user=user).delete()
        AuditEntry.record(RESET, by, {"staff member": user.get_username()})
    return removed


_STALE_KEY = gettext_lazy(
    "That key no longer works: setting up took more than 10 minutes, or was started "
    "again elsewhere. Add the new key below to your app instead, then enter its code."
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        help_text=gettext_lazy("The 6 digits it shows now for Soteria Survey."),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, device: TOTPDevice, data: QueryDict | None = None) -> None:
        super().__init__(data)
        self.device = device

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        with transaction.atomic():
            # Locked, so that parallel guesses cannot slip past the throttle. The failure
            # count must be committed, so the error is raised after the transaction.
            device = TOTPDevice.objects.select_for_update().filter(pk=self.device.pk).first()
            if device is None:
                raise forms.ValidationError(_STALE_KEY)
            allowed, _details = device.verify_is_allowed()
            verified = allowed and device.verify_token(code)
        if not allowed:
            raise forms.ValidationError(
                _("Too many wrong codes. Wait a few seconds, then try the newest code.")
            )
        if not verified:
            raise forms.ValidationError(
                _("That code is not right. Check the time on your phone and try again.")
            )
        self.device = device
        return code


def verify_view(site: AdminSite, request: HttpRequest) -> HttpResponse:
    """Ask for a code; set the authenticator up first if the account has none."""
    if not awaiting_second_factor(request.user):
        return redirect("admin:login")
    if request.method == "POST" and "sign_out" in request.POST:
        logout(request)
        return redirect("admin:login")
    device = confirmed_device(request.user)
    setting_up = device is None
    error: StrOrPromise | None = None
    if setting_up:
        device, stale = _enrolment(request)
        error = _STALE_KEY if stale else None
    # A code for a key gone stale is not tried against the new key.
    form = CodeForm(device, None if error else (request.POST or None))
    if form.is_bound and not form.is_valid():
        logger.warning("Staff second factor refused: %s", request.user.get_username())
    elif form.is_bound:
        logger.info("Staff second factor accepted: %s", request.user.get_username())
        address = {"address": client_address(request)}
        if setting_up:
            if not _confirm(form.device):
                return redirect(request.get_full_path())
            del request.session[_ENROLMENT]
            AuditEntry.record(SET_UP, request.user, address)
        elif _first_since_set_up(request.user):
            AuditEntry.record(FIRST_SIGN_IN, request.user, address)
        otp_login(request, form.device)
        return redirect(_next_url(request))
    return _page(site, request, form, device, error)


def _enrolment(request: HttpRequest) -> tuple[TOTPDevice, bool]:
    """(device, stale): the authenticator this session is setting up, made within
    ENROLMENT_WINDOW; else a new one, every unconfirmed one of the user deleted first
    (another session's, or this one's gone stale: then ``stale`` is true)."""
    started = timezone.now() - ENROLMENT_WINDOW
    pending = TOTPDevice.objects.filter(user=request.user, confirmed=False)
    asked = request.session.get(_ENROLMENT)
    device = pending.filter(pk=asked, created_at__gt=started).first() if asked else None
    if device is not None:
        return device, False
    with transaction.atomic():
        pending.delete()
        device = TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
    request.session[_ENROLMENT] = device.pk
    return device, asked is not None


def _confirm(device: TOTPDevice) -> bool:
    """Confirm the device just verified, unless another session's set-up deleted it
    meanwhile or a key was confirmed elsewhere first."""
    with transaction.atomic():
        if (
            TOTPDevice.objects.select_for_update()
            .filter(user=device.user)
            .filter(confirmed=True)
            .exists()
        ):
            return False
        return bool(
            TOTPDevice.objects.filter(pk=device.pk, confirmed=False).update(confirmed=True)
        )


def _first_since_set_up(user: User) -> bool:
    """Whether this is the user's first sign-in since their authenticator was set up."""
    latest = AuditEntry.objects.filter(user=user, action__in=[SET_UP, FIRST_SIGN_IN]).first()
    return latest is not None and latest.action == SET_UP


def _page(
    site: AdminSite,
    request: HttpRequest,
    form: CodeForm,
    device: TOTPDevice,
    error: "StrOrPromise | None",
) -> HttpResponse:
    setting_up = not device.confirmed
    context = {
        **site.each_context(request),
        "title": _("Set up your authenticator") if setting_up else _("Enter your code"),
        "form": form,
        "setting_up": setting_up,
        "error": error or (form.errors and form.errors["code"][0]),
        "next": _requested_next(request),
    }
    if setting_up:
        context["qr_code"] = _qr_svg(device.config_url)
        context["key"] = _grouped_key(device)
    return render(request, "admin/second_factor.html", context)


def _requested_next(request: HttpRequest) -> str:
    """Where the user was going when sign-in began (checked only when followed)."""
    return request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME, "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else reverse("admin:index")


def _qr_svg(url: str) -> SafeString:
    """The otpauth:// address as an inline SVG QR code (no image request, no script)."""
    svg = segno.make(url, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", title=_("QR code for your authenticator app")
    )
    return mark_safe(svg)  # noqa: S308 -- segno's own markup; the address is encoded in it


def _grouped_key(device: TOTPDevice) -> str:
    """The key as authenticator apps take it by hand: base32 in groups of four."""
    key = base64.b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
