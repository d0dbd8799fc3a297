"""The second factor every staff account needs: a code from an authenticator app (TOTP).

After the password (django-axes guards that step), the admin asks for a code. Someone
without an authenticator yet sets one up first: a QR code and the key to type in, then
one code to prove it works. The admin site lets nobody in until this is done
(SoteriaAdminSite.has_permission), whatever their permissions.

A lost phone is recovered by a national administrator (the "Reset second factor" action
on staff accounts) or, when no administrator can sign in, by the operator
(manage.py reset_second_factor). Either removes the account's authenticator; its owner
sets up a new one at the next sign-in.
"""

import base64
import logging

import segno
from django import forms
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from surveys.models import AuditEntry

DEVICE_NAME = "Authenticator app"
logger = logging.getLogger("surveys.security")


def is_verified(user):
    """True once this session's user has given a code (set by django-otp's middleware;
    a user object fresh from sign-in has no device yet)."""
    return getattr(user, "otp_device", None) is not None


def awaiting_second_factor(user):
    return user.is_authenticated and user.is_active and user.is_staff and not is_verified(user)


def redirect_to_second_factor(request):
    target = _requested_next(request)
    url = reverse("admin:second_factor")
    return redirect(f"{url}?{urlencode({REDIRECT_FIELD_NAME: target})}" if target else url)


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def reset(user, by):
    """Remove the user's authenticator: they set up a new one at their next sign-in, and
    any session verified with the old one stops being verified."""
    with transaction.atomic():
        removed, _counts = TOTPDevice.objects.filter(user=user).delete()
        AuditEntry.objects.create(
            user=by, action="reset second factor", filters={"staff member": user.get_username()}
        )
    return removed


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        help_text=gettext_lazy("The 6 digits it shows now for Soteria Survey."),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, device, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        with transaction.atomic():
            # Locked, so that parallel guesses cannot slip past the throttle. The failure
            # count must be committed, so the error is raised after the transaction.
            device = TOTPDevice.objects.select_for_update().get(pk=self.device.pk)
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


def verify_view(site, request):
    """Ask for a code; set the authenticator up first if the account has none."""
    if not awaiting_second_factor(request.user):
        return redirect("admin:login")
    if request.method == "POST" and "sign_out" in request.POST:
        logout(request)
        return redirect("admin:login")
    device = confirmed_device(request.user)
    setting_up = device is None
    if setting_up:
        device, _created = TOTPDevice.objects.get_or_create(
            user=request.user, confirmed=False, defaults={"name": DEVICE_NAME}
        )
    form = CodeForm(device, request.POST or None)
    if request.method == "POST" and not form.is_valid():
        logger.warning("Staff second factor refused: %s", request.user.get_username())
    if request.method == "POST" and form.is_valid():
        logger.info("Staff second factor accepted: %s", request.user.get_username())
        if setting_up:
            form.device.confirmed = True
            form.device.save(update_fields=["confirmed"])
            AuditEntry.objects.create(user=request.user, action="set up second factor")
        otp_login(request, form.device)
        return redirect(_next_url(request))
    context = {
        **site.each_context(request),
        "title": _("Set up your authenticator") if setting_up else _("Enter your code"),
        "form": form,
        "setting_up": setting_up,
        "next": _requested_next(request),
    }
    if setting_up:
        context["qr_code"] = _qr_svg(device.config_url)
        context["key"] = _grouped_key(device)
    return render(request, "admin/second_factor.html", context)


def _requested_next(request):
    """Where the user was going when sign-in began (checked only when followed)."""
    return request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")


def _next_url(request):
    target = request.POST.get(REDIRECT_FIELD_NAME, "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else reverse("admin:index")


def _qr_svg(url):
    """The otpauth:// address as an inline SVG QR code (no image request, no script)."""
    svg = segno.make(url, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", title=_("QR code for your authenticator app")
    )
    return mark_safe(svg)  # noqa: S308 -- segno's own markup; the address is encoded in it


def _grouped_key(device):
    """The key as authenticator apps take it by hand: base32 in groups of four."""
    key = base64.b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
