"""The quick exit in a real Chromium: Escape anywhere, the link without JavaScript, no
referrer for the destination, and nothing left on screen or in Back."""

import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.test_survey_browser import _to_survey

pytestmark = pytest.mark.browser

ESCAPE_IN = """selector => {
    const field = document.querySelector(selector);
    field.focus();
    field.dispatchEvent(new KeyboardEvent("keydown", {key: "Escape", bubbles: true}));
    // Still inside the same task as the key press:
    return {
        children: document.body.childElementCount,
        title: document.title,
        forms: document.forms.length,
    };
}"""


def _assert_left_without_referrer(page, exit_stub):
    page.wait_for_url(exit_stub.url)
    visits = exit_stub.visits()
    assert len(visits) == 1
    assert "Referer" not in visits[0]["headers"]


def escape_removes_the_page_in_the_same_task_then_leaves(page, site, exit_stub, selector):
    _to_survey(page, site)
    page.get_by_label("Which police force was it reported to?").select_option("kent")
    state = page.evaluate(ESCAPE_IN, selector)
    assert state == {"children": 0, "title": "", "forms": 0}
    _assert_left_without_referrer(page, exit_stub)


@pytest.mark.parametrize("selector", ["#id_force", "input[name=when_reported]"])
def test_escape_removes_the_page_in_the_same_task_then_leaves(page, site, exit_stub, selector):
    escape_removes_the_page_in_the_same_task_then_leaves(page, site, exit_stub, selector)


def a_field_that_swallows_escape_cannot_stop_the_exit(page, site, exit_stub):
    """A widget that stops its key presses from going further (as some do) still
    cannot keep the respondent on the page."""
    page.goto(site + "/survey/")
    field = page.get_by_label("Yes", exact=True)
    field.evaluate("f => f.addEventListener('keydown', e => e.stopPropagation())")
    field.press("Escape")
    _assert_left_without_referrer(page, exit_stub)


def test_a_field_that_swallows_escape_cannot_stop_the_exit(page, site, exit_stub):
    a_field_that_swallows_escape_cannot_stop_the_exit(page, site, exit_stub)


def test_escape_typed_into_free_text_leaves(page, site, exit_stub):
    page.goto(site + "/")
    _to_survey(page, site, reported="No, it was not reported to the police")
    while page.locator("#id_free_text").is_hidden():
        page.locator("[data-survey-section]:visible").get_by_role(
            "button", name="Continue"
        ).click()
    page.locator("#id_free_text").fill("Something private")
    page.locator("#id_free_text").press("Escape")
    _assert_left_without_referrer(page, exit_stub)


def repeated_escape_cannot_stop_the_exit(page, site, exit_stub):
    page.goto(site + "/survey/")
    for _ in range(5):
        page.keyboard.press("Escape")
    _assert_left_without_referrer(page, exit_stub)


def test_repeated_escape_cannot_stop_the_exit(page, site, exit_stub):
    repeated_escape_cannot_stop_the_exit(page, site, exit_stub)


def test_leave_link_works_without_javascript(browser, site, exit_stub):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/survey/")
    page.get_by_role("link", name="Leave this site").click()
    _assert_left_without_referrer(page, exit_stub)
    context.close()


def leave_link_skips_the_round_trip(page, site, exit_stub):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site + "/safety/")
    page.get_by_role("link", name="Leave this site").click()
    _assert_left_without_referrer(page, exit_stub)
    assert site + "/exit/" not in requested, "with JavaScript, the link went through /exit/"


def test_leave_link_with_javascript_skips_the_round_trip(page, site, exit_stub):
    leave_link_skips_the_round_trip(page, site, exit_stub)


def leaving_takes_the_survey_out_of_history(page, site, exit_stub, how):
    """The survey's own entry is replaced by the destination: the tab's history is no
    longer, and Back goes to wherever the respondent was before."""
    before = exit_stub.url.replace("/weather", "/news")
    page.goto(before)
    page.goto(site + "/survey/")
    page.get_by_label("Yes", exact=True).check()
    length = page.evaluate("history.length")
    if how == "escape":
        page.keyboard.press("Escape")
    else:
        page.get_by_role("link", name="Leave this site").click()
    page.wait_for_url(exit_stub.url)
    assert page.evaluate("history.length") == length, "leaving added an entry to history"
    page.go_back()
    assert page.url == before, "Back shows the survey again"


@pytest.mark.parametrize("how", ["escape", "link"])
def test_leaving_takes_the_survey_out_of_history(page, site, exit_stub, how):
    leaving_takes_the_survey_out_of_history(page, site, exit_stub, how)


def test_back_after_leaving_shows_no_answer(page, site, exit_stub):
    page.goto(site + "/survey/")
    page.get_by_label("Yes", exact=True).check()
    page.keyboard.press("Escape")
    page.wait_for_url(exit_stub.url)
    page.go_back()
    page.wait_for_load_state()
    assert page.locator("input:checked").count() == 0


def test_back_after_leaving_the_answers_page_shows_no_answer(page, site, exit_stub):
    _to_survey(page, site)
    page.get_by_label("Which police force was it reported to?").select_option("kent")
    page.locator("#div_id_how_reported").get_by_label("Online").check()
    page.keyboard.press("Escape")
    page.wait_for_url(exit_stub.url)
    # Chromium may refuse to show a re-post without asking: then nothing is shown at all.
    with contextlib.suppress(PlaywrightError):
        page.go_back()
    assert page.locator("input:checked").count() == 0
    assert page.locator("option[value=kent]:checked").count() == 0


def test_leave_link_comes_first_and_stays_in_view(page, site):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(site + "/survey/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Leave this site")
    _to_survey(page, site)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("window.scrollY") > 500
    box = page.get_by_role("link", name="Leave this site").bounding_box()
    assert box is not None
    assert 0 <= box["y"] < 640
