"""Admin sign-in: django-axes lockout, and sessions that end."""

import pytest
from django.conf import settings
from django.urls import reverse

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
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST  # 30 minutes idle, not 30 in all
    assert client.get(reverse("admin:index")).headers["Referrer-Policy"] == "same-origin"
