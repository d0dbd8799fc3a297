"""The results page in a real browser at the widths analysts use: it fits the window
(wide tables scroll in their own box), and axe-core finds nothing to fix."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.publishing import publish_everything

pytestmark = pytest.mark.browser

WIDTHS = [1280, 1024, 768, 320]


def _session(user):
    """A signed-in session past the second factor, as tests/staff.py makes for the test
    client (tests/browser/test_admin_browser.py drives the real sign-in)."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


@pytest.fixture
def analysts(monkeypatch, reference_data, django_user_model):
    monkeypatch.setenv("ANALYST_PASSWORD", "a-long-enough-password-9")
    call_command("seed_responses", profile="realistic", seed=2)
    publish_everything()
    call_command("create_analyst", "kent-analyst", force="kent")
    call_command("create_analyst", "national-analyst", national=True)
    return {
        name: _session(django_user_model.objects.get(username=f"{name}-analyst"))
        for name in ("kent", "national")
    }


@pytest.mark.parametrize(
    ("who", "query"),
    [("kent", ""), ("national", ""), ("national", "?breakdown=ethnicity")],
)
def test_the_results_page_fits_the_window_and_passes_axe(
    page, live_server, analysts, axe, who, query
):
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": analysts[who]}
    page.context.add_cookies([{**cookie, "url": live_server.url}])
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/admin/results/" + query)
        page.get_by_role("heading", name="Results").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
    if query:  # a wide breakdown, scrolling in its own box
        assert page.get_by_role("columnheader", name="Group").first.is_visible()
    else:
        assert page.get_by_text("Key measures").first.is_visible()
    if who == "kent" and not query:
        # At realistic volumes a force still sees itself beside England and Wales, and
        # a trend: its quarters are too small, so year by year.
        assert page.get_by_role("columnheader", name="England and Wales").is_visible()
        assert page.get_by_role("heading", name="Year by year").is_visible()
        assert page.locator(".trend-chart polyline").count() >= 1
    axe(page)


def test_the_report_prints_on_a_few_a4_pages_without_the_admin(page, live_server, analysts):
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": analysts["kent"]}
    page.context.add_cookies([{**cookie, "url": live_server.url}])
    page.goto(live_server.url + "/admin/results/")
    assert page.get_by_role("button", name="Print or save as PDF").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("#nav-sidebar").is_visible()
    assert not page.locator(".results-filters").is_visible()
    assert not page.locator(".results-detail").is_visible()  # every question: on screen
    assert page.get_by_text("Key measures").first.is_visible()
    assert page.get_by_text("Printed on").is_visible()
    assert "Kent Police" in page.locator("h2").first.inner_text()
    pdf = page.pdf(format="A4")
    assert 1 <= pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") <= 4
