"""Admin sign-in: django-axes lockout, and sessions that end."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from tests.staff import sign_in

LOGIN = reverse("admin:login")
pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(django_user_model):
    return django_user_model.objects.create_user(
        "analyst", password="the-right-password-42", is_staff=True
    )


def _sign_in(client, password, address="192.0.2.10", username="analyst", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def _minutes_pass(minutes):
    """Move every recorded failure back in time, as if ``minutes`` had passed."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_five_failures_lock_the_account_from_that_address_with_a_clear_page(
    client, analyst, caplog
):
    for _ in range(4):
        assert _sign_in(client, "wrong").status_code == 200
    locked = _sign_in(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # Even the right password is refused while locked.
    assert _sign_in(client, "the-right-password-42").status_code == 429
    assert "Staff account locked out: analyst from 192.0.2.10" in caplog.text


def test_a_lockout_at_one_address_leaves_the_owner_free_to_sign_in_from_another(client, analyst):
    """Someone who knows a username cannot lock its owner out from everywhere."""
    for _ in range(5):
        _sign_in(client, "wrong", address="203.0.113.66")
    assert _sign_in(client, "the-right-password-42", address="203.0.113.66").status_code == 429
    assert _sign_in(client, "the-right-password-42", address="192.0.2.10").status_code == 302


def test_a_lockout_ends_after_30_minutes_and_failures_meanwhile_do_not_extend_it(client, analyst):
    for _ in range(5):
        _sign_in(client, "wrong")
    _minutes_pass(20)
    for _ in range(10):
        assert _sign_in(client, "wrong").status_code == 429
    _minutes_pass(9)
    assert _sign_in(client, "the-right-password-42").status_code == 429
    _minutes_pass(2)  # 31 minutes after the fifth failure
    assert _sign_in(client, "the-right-password-42").status_code == 302


def test_one_address_trying_many_usernames_is_locked_after_the_address_limit(
    client, django_user_model, settings
):
    """The limit for an address, across usernames, stops password spraying; staff
    behind the same address are locked out with it until the cool-off ends."""
    settings.ADDRESS_FAILURE_LIMIT = 12
    django_user_model.objects.create_user("another", password="another-password-42", is_staff=True)
    for number in range(12):
        assert _sign_in(client, "wrong", username=f"guess{number}").status_code == 200
    assert _sign_in(client, "another-password-42", username="another").status_code == 429
    assert _sign_in(client, "x", username="new-name").status_code == 429
    other_address = _sign_in(client, "another-password-42", "192.0.2.11", "another")
    assert other_address.status_code == 302


def test_right_password_signs_in_and_resets_the_count(client, analyst, caplog):
    for _ in range(3):
        _sign_in(client, "wrong")
    assert _sign_in(client, "the-right-password-42").status_code == 302
    assert "Staff sign-in: analyst from 192.0.2.10" in caplog.text
    client.logout()
    for _ in range(4):
        assert _sign_in(client, "wrong").status_code == 200


def test_admin_session_cookie_is_short_lived_secure_and_strict(client, analyst):
    response = _sign_in(client, "the-right-password-42")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["secure"]
    assert cookie["samesite"] == "Strict"
    assert not cookie["expires"]  # ends when the browser closes
    assert not cookie["max-age"]
    assert client.get(reverse("admin:index")).headers["Referrer-Policy"] == "same-origin"


def test_admin_session_ends_after_30_minutes_idle_not_30_in_all(client, analyst, monkeypatch):
    sign_in(client, analyst)
    index = reverse("admin:index")
    assert client.get(index).status_code == 200
    started = timezone.now()
    elapsed = timedelta()
    for idle in [29, 29, 29, 31]:
        elapsed += timedelta(minutes=idle)
        monkeypatch.setattr(timezone, "now", lambda at=started + elapsed: at)
        page = client.get(index)
        if idle < 30:
            assert page.status_code == 200, f"signed out after {elapsed} with {idle} min idle"
    assert page.status_code == 302
    assert page["Location"].startswith(LOGIN)
