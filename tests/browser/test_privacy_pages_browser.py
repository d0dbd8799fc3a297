"""The privacy notice and the accessibility statement in Chromium: no accessibility
violations, the quick exit as on every page, nothing stored in the browser."""

import pytest

pytestmark = pytest.mark.browser

PAGES = ["/privacy/", "/accessibility/"]
STORED = """async () => ({
    cookies: document.cookie,
    local: localStorage.length,
    session: sessionStorage.length,
    databases: (await indexedDB.databases()).length,
})"""


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("width", [1280, 320])
def test_privacy_pages_have_no_violations_and_fit(page, site, axe, path, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(site + path)
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("path", PAGES)
def test_privacy_pages_are_reached_from_the_footer_and_store_nothing(page, site, path):
    page.goto(site + "/survey/")
    page.locator("footer").get_by_role(
        "link",
        name={
            "/privacy/": "Privacy notice",
            "/accessibility/": "Accessibility statement",
        }[path],
    ).click()
    page.wait_for_url(site + path)
    assert page.evaluate(STORED) == {"cookies": "", "local": 0, "session": 0, "databases": 0}
    assert page.context.cookies() == []


@pytest.mark.parametrize("path", PAGES)
def test_escape_on_the_privacy_pages_leaves(page, site, exit_stub, path):
    page.goto(site + path)
    page.keyboard.press("Escape")
    page.wait_for_url(exit_stub.url)
    assert len(exit_stub.visits()) == 1
    assert "Referer" not in exit_stub.visits()[0]["headers"]
