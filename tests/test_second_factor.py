"""The second factor: no staff account reaches any admin page with a password alone.
Codes are computed from the device's key, as an authenticator app would."""

import re
import time
from base64 import b32decode
from datetime import timedelta

import pytest
import segno
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from surveys import second_factor
from surveys.models import AuditEntry
from tests.staff import sign_in

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-password-9"
LOGIN = reverse("admin:login")
SECOND_FACTOR = reverse("admin:second_factor")
RESULTS = reverse("admin:results")


@pytest.fixture
def kent(monkeypatch, django_user_model):
    monkeypatch.setenv("ANALYST_PASSWORD", PASSWORD)
    call_command("create_analyst", "kent-analyst", force="kent")
    return django_user_model.objects.get(username="kent-analyst")


def _code(key, offset=0):
    """The code an authenticator app shows for a hex key (offset in 30-second steps)."""
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time() + offset * 30
    return f"{totp.token():06d}"


def _password(client, username="kent-analyst", next_url=RESULTS):
    return client.post(LOGIN, {"username": username, "password": PASSWORD, "next": next_url})


def _key_on_page(page):
    """The key the set-up page shows to type in, back to the hex the device stores."""
    shown = re.search(r'<code id="totp-key">([A-Z2-7 ]+)</code>', page.content.decode())
    return b32decode(shown.group(1).replace(" ", "")).hex()


def test_password_alone_opens_no_admin_page(client, kent):
    signed_in = _password(client)
    assert signed_in.status_code == 302
    assert signed_in["Location"].startswith(SECOND_FACTOR)
    for url in [reverse("admin:index"), RESULTS, reverse("admin:results_csv")]:
        page = client.get(url)
        assert page.status_code == 302, url
        assert page["Location"].startswith(LOGIN), url
    # The sign-in page itself sends them on to the second factor.
    assert client.get(LOGIN)["Location"].startswith(SECOND_FACTOR)


def test_the_password_step_passes_on_where_the_user_was_going(client, kent):
    expected = f"{SECOND_FACTOR}?{urlencode({'next': RESULTS})}"
    assert _password(client)["Location"] == expected
    client.logout()
    assert _password(client, next_url="")["Location"] == SECOND_FACTOR


def test_a_signed_in_user_is_not_asked_for_a_code_again(client, kent):
    sign_in(client, kent)
    assert client.get(LOGIN)["Location"] == reverse("admin:index")
    assert client.get(SECOND_FACTOR)["Location"] == LOGIN


def test_the_code_page_keeps_where_the_user_was_going_and_is_not_a_refusal(client, kent, caplog):
    _password(client)
    page = client.get(f"{SECOND_FACTOR}?{urlencode({'next': RESULTS})}")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<input type="hidden" name="next" value="{RESULTS}">' in html
    assert re.search(r'<input[^>]*name="code"[^>]*autofocus', html)
    assert "second factor refused" not in caplog.text


def test_the_qr_code_keeps_the_quiet_zone_scanners_need(client, kent):
    """Four blank modules around the code, as the QR standard asks, at 4 px a module."""
    _password(client)
    html = client.get(SECOND_FACTOR).content.decode()
    device = TOTPDevice.objects.get(user=kent)
    modules, _height = segno.make(device.config_url, error="m").symbol_size(scale=1, border=0)
    side = (modules + 2 * 4) * 4
    assert f'<svg width="{side}" height="{side}"' in html


def test_first_sign_in_sets_up_the_authenticator_then_opens_the_page_asked_for(client, kent):
    _password(client)
    page = client.get(SECOND_FACTOR + "?next=" + RESULTS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Set up your authenticator" in html
    assert '<svg width="' in html  # the QR code, inline: no request leaves the page
    key = _key_on_page(page)
    # Reloading in the same session shows the same key: the app already added works.
    assert _key_on_page(client.get(SECOND_FACTOR)) == key

    wrong = client.post(SECOND_FACTOR, {"code": "000000", "next": RESULTS})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.get(user=kent).confirmed

    time.sleep(1.1)  # one failure: the next try is allowed after a second
    done = client.post(SECOND_FACTOR, {"code": _code(key), "next": RESULTS})
    assert done.status_code == 302
    assert done["Location"] == RESULTS
    assert client.get(RESULTS).status_code == 200
    assert TOTPDevice.objects.get(user=kent).confirmed
    entry = AuditEntry.objects.get(user=kent, action="set up second factor")
    assert entry.filters == {"address": "127.0.0.1"}


def test_later_sign_ins_ask_for_a_code_and_never_show_the_key_again(client, kent, caplog):
    device = TOTPDevice.objects.create(user=kent, name="Authenticator app", confirmed=True)
    _password(client)
    page = client.get(SECOND_FACTOR)
    assert "Enter your code" in page.content.decode()
    assert "totp-key" not in page.content.decode()
    assert '<svg width="' not in page.content.decode()
    assert client.post(SECOND_FACTOR, {"code": "12"}).status_code == 200
    assert "Staff second factor refused: kent-analyst" in caplog.text
    time.sleep(1.1)  # after one wrong code, the next try is allowed a second later
    done = client.post(SECOND_FACTOR, {"code": _code(device.key), "next": RESULTS})
    assert done["Location"] == RESULTS
    assert client.get(RESULTS).status_code == 200
    assert "Staff second factor accepted: kent-analyst" in caplog.text


def test_a_used_code_cannot_be_used_again(client, kent):
    device = TOTPDevice.objects.create(user=kent, name="Authenticator app", confirmed=True)
    code = _code(device.key)
    _password(client)
    assert client.post(SECOND_FACTOR, {"code": code})["Location"] == reverse("admin:index")
    client.logout()
    _password(client)
    replay = client.post(SECOND_FACTOR, {"code": code})
    assert replay.status_code == 200
    assert client.get(RESULTS).status_code == 302


def test_guessing_is_throttled_even_with_the_right_code(client, kent):
    device = TOTPDevice.objects.create(user=kent, name="Authenticator app", confirmed=True)
    _password(client)
    client.post(SECOND_FACTOR, {"code": "123456"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # After ten wrong codes the wait is 2**9 seconds: the right code is refused meanwhile.
    device.throttling_failure_count = 10
    device.save()
    throttled = client.post(SECOND_FACTOR, {"code": _code(device.key)})
    assert "Too many wrong codes" in throttled.content.decode()
    assert client.get(RESULTS).status_code == 302


def test_an_unsafe_next_address_is_not_followed(client, kent):
    device = TOTPDevice.objects.create(user=kent, name="Authenticator app", confirmed=True)
    _password(client, next_url="https://evil.example/")
    done = client.post(SECOND_FACTOR, {"code": _code(device.key), "next": "https://evil.example/"})
    assert done["Location"] == reverse("admin:index")


def test_sign_out_from_the_code_page(client, kent):
    _password(client)
    out = client.post(SECOND_FACTOR, {"sign_out": "Sign out"})
    assert out["Location"] == LOGIN
    assert client.get(SECOND_FACTOR)["Location"] == LOGIN  # no longer signed in


def test_national_administrator_resets_a_lost_authenticator(client, kent, django_user_model):
    old = TOTPDevice.objects.create(user=kent, name="Authenticator app", confirmed=True)
    call_command("create_analyst", "nat-admin", national=True, administrator=True)
    administrator = django_user_model.objects.get(username="nat-admin")
    sign_in(client, administrator)
    users = reverse("admin:auth_user_changelist")
    listing = client.get(users)
    assert listing.status_code == 200
    assert "reset_second_factor" in listing.content.decode()
    done = client.post(
        users, {"action": "reset_second_factor", "_selected_action": [kent.pk]}, follow=True
    )
    assert "Reset the second factor of 1 account." in done.content.decode()
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    entry = AuditEntry.objects.get(action="reset second factor")
    assert (entry.user, entry.filters) == (administrator, {"staff member": "kent-analyst"})

    # Kent's next sign-in sets up a new authenticator; the old codes mean nothing.
    kent_client = client.__class__()
    _password(kent_client)
    page = kent_client.get(SECOND_FACTOR)
    assert "Set up your authenticator" in page.content.decode()
    assert kent_client.post(SECOND_FACTOR, {"code": _code(old.key)}).status_code == 200
    assert kent_client.get(RESULTS).status_code == 302


def test_a_reset_ends_sessions_verified_with_the_old_authenticator(client, kent):
    sign_in(client, kent)
    assert client.get(RESULTS).status_code == 200
    call_command("reset_second_factor", "kent-analyst")
    assert client.get(RESULTS).status_code == 302
    entry = AuditEntry.objects.get(action="reset second factor")
    assert entry.user is None
    assert entry.filters == {"staff member": "kent-analyst"}


def test_analysts_cannot_reset_anyones_second_factor(client, kent, django_user_model):
    call_command("create_analyst", "nat-analyst", national=True)
    device = TOTPDevice.objects.create(user=kent, name="Authenticator app", confirmed=True)
    for username in ["kent-analyst", "nat-analyst"]:
        sign_in(client, django_user_model.objects.get(username=username))
        users = reverse("admin:auth_user_changelist")
        assert client.get(users).status_code == 403
        client.post(users, {"action": "reset_second_factor", "_selected_action": [kent.pk]})
        assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_devices_and_their_keys_are_not_shown_in_the_admin(admin_client):
    assert admin_client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_reset_command_names_unknown_accounts(kent):
    with pytest.raises(CommandError, match="No staff account"):
        call_command("reset_second_factor", "nobody")


def test_research_and_administrator_roles_are_national_only(kent):
    with pytest.raises(CommandError, match="national roles"):
        call_command("create_analyst", "kent-research", force="kent", research=True)


def test_each_set_up_attempt_gets_a_key_only_its_own_session_sees(client, kent):
    """Someone holding the password before the owner's first sign-in notes the key the
    set-up page shows; the owner's own sign-in must not show, or confirm, that key."""
    intruder = client.__class__()
    _password(intruder)
    noted = _key_on_page(intruder.get(SECOND_FACTOR))

    _password(client)
    owners = _key_on_page(client.get(SECOND_FACTOR))
    assert owners != noted
    # The intruder's key is gone: their code for it sets nothing up...
    stale = intruder.post(SECOND_FACTOR, {"code": _code(noted)})
    assert "That key no longer works" in stale.content.decode()
    assert intruder.get(RESULTS).status_code == 302
    # ...and their page now holds a key of its own, which deletes the owner's in turn.
    assert _key_on_page(stale) not in {noted, owners}
    assert TOTPDevice.objects.filter(user=kent).count() == 1
    assert client.post(SECOND_FACTOR, {"code": _code(owners)}).status_code == 200
    assert not TOTPDevice.objects.filter(user=kent, confirmed=True).exists()


def test_a_key_must_be_confirmed_within_ten_minutes(client, kent):
    _password(client)
    key = _key_on_page(client.get(SECOND_FACTOR))
    TOTPDevice.objects.filter(user=kent).update(
        created_at=timezone.now() - timedelta(minutes=10, seconds=1)
    )
    late = client.post(SECOND_FACTOR, {"code": _code(key)})
    assert "That key no longer works" in late.content.decode()
    assert not TOTPDevice.objects.filter(user=kent, confirmed=True).exists()
    fresh = _key_on_page(late)
    assert fresh != key
    assert client.post(SECOND_FACTOR, {"code": _code(fresh)})["Location"] == (
        reverse("admin:index")
    )
    assert TOTPDevice.objects.get(user=kent).confirmed


def test_a_key_still_works_just_inside_its_ten_minutes(client, kent):
    _password(client)
    key = _key_on_page(client.get(SECOND_FACTOR))
    TOTPDevice.objects.filter(user=kent).update(
        created_at=timezone.now() - timedelta(minutes=9, seconds=50)
    )
    assert client.post(SECOND_FACTOR, {"code": _code(key)})["Location"] == (reverse("admin:index"))
    assert TOTPDevice.objects.get(user=kent).confirmed


def test_a_key_is_not_confirmed_once_another_was_confirmed_first(kent):
    # Two set-ups racing: the one confirmed second must not count as confirmed.
    first = TOTPDevice.objects.create(user=kent, name="first", confirmed=True)
    second = TOTPDevice.objects.create(user=kent, name="second", confirmed=False)
    assert second_factor._confirm(second) is False
    second.refresh_from_db()
    assert not second.confirmed
    assert TOTPDevice.objects.get(user=kent, confirmed=True) == first


def test_the_first_sign_in_after_set_up_is_audited_for_national_administrators(
    client, kent, django_user_model
):
    _password(client)
    key = _key_on_page(client.get(SECOND_FACTOR))
    client.post(SECOND_FACTOR, {"code": _code(key)}, REMOTE_ADDR="192.0.2.44")
    client.logout()
    later = client.__class__()
    _password(later)
    later.post(SECOND_FACTOR, {"code": _code(key, offset=1)}, REMOTE_ADDR="198.51.100.8")
    assert later.get(RESULTS).status_code == 200
    later.logout()
    _password(later)
    later.post(SECOND_FACTOR, {"code": _code(key, offset=2)})
    actions = AuditEntry.objects.filter(user=kent).exclude(action="view results").order_by("at")
    assert [(entry.action, entry.filters) for entry in actions] == [
        ("set up second factor", {"address": "192.0.2.44"}),
        ("first sign-in after set-up", {"address": "198.51.100.8"}),
    ]

    call_command("create_analyst", "nat-admin", national=True, administrator=True)
    call_command("create_analyst", "nat-analyst", national=True)
    AuditEntry.objects.create(user=kent, action="view results")
    audit = reverse("admin:surveys_auditentry_changelist")
    sign_in(client, django_user_model.objects.get(username="nat-admin"))
    shown = client.get(audit).content.decode()
    assert "first sign-in after set-up" in shown
    assert "198.51.100.8" in shown
    assert "view results" not in shown  # what analysts looked at is for superusers
    sign_in(client, django_user_model.objects.get(username="nat-analyst"))
    assert client.get(audit).status_code == 403
