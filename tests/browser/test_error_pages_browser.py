"""The quick exit from the first moment a page is shown, and on every error page, in a
real Chromium: the page is cleared in the key's own task and the tab leaves for the
destination straight away, never by a round trip through /exit/."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

POST_FORM = """([action, fields]) => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = action;
    for (const [name, value] of fields) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.appendChild(input);
    }
    document.body.appendChild(form);
    form.submit();
}"""

ESCAPE = """() => {
    document.dispatchEvent(new KeyboardEvent("keydown", {key: "Escape", bubbles: true}));
    // Still inside the same task as the key press:
    return {children: document.body.childElementCount, title: document.title};
}"""


def _post(page, site, action, fields):
    with page.expect_navigation():
        page.evaluate(POST_FORM, [site + action, fields])


def _too_many_fields(page, site):
    _post(page, site, "/survey/", [("x", "y")] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))


def _refused_method(page, site):
    # A browser's forms send only GET and POST: change the method on the way.
    page.route(site + "/survey/", lambda route: route.continue_(method="PUT"))
    page.goto(site + "/survey/")


def _forged_form(page, site):
    _post(page, site, "/safety/", [("x", "y")])


def _too_large(page, site):
    _post(page, site, "/survey/", [("x", "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))])


def _server_error(page, site):
    page.goto(site + "/broken/")


def _not_found(page, site):
    page.goto(site + "/nowhere/")


def _under_18(page, site):
    page.get_by_label("No", exact=True).check()
    page.get_by_label("No, it was not reported to the police").check()
    page.get_by_role("button", name="Continue").click()


ERRORS = {
    400: ("Sorry, we could not read what was sent", _too_many_fields),
    404: ("Page not found", _not_found),
    403: ("Sorry, that could not be sent", _forged_form),
    405: ("Sorry, this page cannot be used that way", _refused_method),
    413: ("Sorry, that was too much to send", _too_large),
    500: ("Sorry, there is a problem with the service", _server_error),
    200: ("This survey is for adults", _under_18),
}


@pytest.fixture
def error_site(site, settings):
    """The live server with one more URL, /broken/, whose view has a bug."""
    settings.ROOT_URLCONF = "tests.respondent_pages"
    return site


@pytest.fixture
def exit_requests(page):
    """Paths of every request the page makes to /exit/ (there should be none)."""
    seen = []
    page.on(
        "request", lambda request: seen.append(request.url) if "/exit/" in request.url else None
    )
    return seen


@pytest.mark.parametrize("status", list(ERRORS))
def test_error_page_has_no_violations_and_escape_leaves_at_once(
    page, error_site, exit_stub, exit_requests, axe, status
):
    heading, show = ERRORS[status]
    page.goto(error_site + "/survey/")
    with page.expect_response(
        lambda response: response.status == status and response.request.is_navigation_request()
    ):
        show(page, error_site)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    axe(page)
    assert page.context.cookies() == []

    assert page.evaluate(ESCAPE) == {"children": 0, "title": ""}
    page.wait_for_url(exit_stub.url)
    assert exit_requests == []
    assert "Referer" not in exit_stub.visits()[0]["headers"]


@pytest.fixture
def held_script(page):
    """The page's deferred script never arrives, as on a connection that has stalled."""
    held = []
    page.route("**/js/respondent*.js", lambda route: held.append(route))
    yield
    for route in held:
        route.abort()


@pytest.mark.usefixtures("held_script")
def test_escape_works_as_soon_as_the_page_is_shown(page, site, exit_stub, exit_requests):
    page.goto(site + "/survey/", wait_until="commit")
    expect(page.get_by_role("link", name="Leave this site")).to_be_visible()
    assert page.evaluate("document.readyState") == "interactive"  # still waiting
    assert not page.evaluate("document.body.classList.contains('js-enabled')")
    page.keyboard.press("Escape")
    page.wait_for_url(exit_stub.url)
    assert exit_requests == []


@pytest.mark.usefixtures("held_script")
def test_leave_link_leaves_at_once_as_soon_as_the_page_is_shown(
    page, site, exit_stub, exit_requests
):
    page.goto(site + "/survey/", wait_until="commit")
    page.get_by_role("link", name="Leave this site").click()
    page.wait_for_url(exit_stub.url)
    assert exit_requests == []
