"""Staff sign-in in a real browser: password, then setting up the authenticator from the
page (reading the key as a person would type it), then the results page."""

from base64 import b32decode

import pytest
from django.core.management import call_command

from tests.test_second_factor import PASSWORD, _code

pytestmark = pytest.mark.browser


@pytest.fixture
def kent(monkeypatch, reference_data, django_user_model):
    monkeypatch.setenv("ANALYST_PASSWORD", PASSWORD)
    call_command("create_analyst", "kent-analyst", force="kent")
    return django_user_model.objects.get(username="kent-analyst")


def test_sign_in_with_password_and_new_authenticator_reaches_results(page, live_server, kent, axe):
    page.goto(live_server.url + "/admin/results/")
    page.get_by_label("Username").fill("kent-analyst")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("heading", name="Set up your authenticator").wait_for()
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    axe(page)
    key = b32decode(page.locator("#totp-key").inner_text().replace(" ", "")).hex()
    page.get_by_label("Code from your authenticator app").fill(_code(key))
    page.get_by_role("button", name="Finish setting up").click()

    page.get_by_role("heading", name="Results").wait_for()
    assert page.url.endswith("/admin/results/")
    assert "Kent Police" in page.content()
