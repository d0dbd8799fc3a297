"""Admin sign-in: django-axes lockout, and sessions that end."""

from datetime import timedelta

import pytest
from django.conf import settings
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


def _sign_in(client, password):
    return client.post(
        LOGIN, {"username": "analyst", "password": password}, REMOTE_ADDR="192.0.2.10"
    )


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
