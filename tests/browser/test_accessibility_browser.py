"""axe-core (WCAG 2.2 A and AA rules) on every respondent page and state, small screens
and reduced motion."""

import pytest
from django.template.loader import render_to_string

from surveys.questionnaire import QUESTIONNAIRES, VERSION, Audience
from tests.browser.test_survey_browser import _to_survey

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("newest_live")]


@pytest.mark.parametrize("path", ["/", "/before-you-start/", "/safety/", "/survey/", "/nowhere/"])
def test_static_pages_have_no_violations(page, site, axe, path):
    page.goto(site + path)
    axe(page)


def test_eligibility_errors_have_no_violations(page, site, axe):
    page.goto(site + "/survey/")
    page.get_by_role("button", name="Continue").click()
    assert page.title().startswith("Error:")
    axe(page)


def test_under_18_page_has_no_violations(page, site, axe):
    page.goto(site + "/survey/")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("No, it was not reported to the police").check()
    page.get_by_role("button", name="Continue").click()
    assert "Childline" in page.content()
    axe(page)


@pytest.mark.parametrize(
    ("reported", "audience"),
    [
        ("Yes, I reported it", Audience.REPORTED),
        ("No, it was not reported", Audience.NOT_REPORTED),
    ],
)
def test_every_survey_section_then_thank_you_has_no_violations(
    page, site, axe, reported, audience
):
    _to_survey(page, site, reported=reported)
    every_section_then_thank_you(page, axe, audience, "Continue", "Send my answers", "/thank-you/")


def every_section_then_thank_you(page, axe, audience, next_button, send_button, thank_you):
    """From the first section of the questions, axe on each section in turn, then on the
    thank-you page (its address ending ``thank_you``), in whichever language's words."""
    for index, _section in enumerate(QUESTIONNAIRES[VERSION].sections_for(audience)):
        if index:
            page.locator("[data-survey-section]:visible").get_by_role(
                "button", name=next_button
            ).click()
        axe(page)
    page.get_by_role("button", name=send_button).click()
    page.wait_for_url("**" + thank_you)
    axe(page)


def test_survey_error_state_has_no_violations(page, site, axe):
    _to_survey(page, site)
    page.evaluate(
        "const i = document.querySelector('input[name=believed]');"
        " i.value = 'x'; i.checked = true;"
    )
    with page.expect_navigation():
        page.locator("form[data-survey-form]").evaluate("f => f.submit()")
    assert page.title().startswith("Error:")
    axe(page)


def test_whole_survey_as_one_long_page_has_no_violations(page, site, axe):
    # Without our script the survey is one long page; axe itself needs JavaScript, so
    # only the project's script is kept away.
    page.route("**/js/respondent*.js", lambda route: route.abort())
    _to_survey(page, site)
    assert page.locator("[data-survey-section]:visible").count() > 1
    axe(page)


def test_server_error_page_has_no_violations(page, site, axe):
    page.goto(site + "/")
    page.set_content(render_to_string("500.html"))
    axe(page)


@pytest.mark.parametrize("path", ["/", "/survey/", "/safety/"])
def test_nothing_scrolls_sideways_at_320_pixels(page, site, path):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(site + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_survey_at_320_pixels_does_not_scroll_sideways(page, site):
    page.set_viewport_size({"width": 320, "height": 640})
    _to_survey(page, site)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_focused_field_is_never_under_the_sticky_exit_bar(browser, site):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 400, "height": 500}
    )
    page = context.new_page()
    _to_survey(page, site)
    bar = page.locator("[data-quick-exit-bar]").bounding_box()
    below_bar = bar["y"] + bar["height"] - 1
    checked = 0
    # Forwards, then backwards: going back scrolls each field in at the top of the page.
    for key in ["Tab"] * 80 + ["Shift+Tab"] * 60:
        page.keyboard.press(key)
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return {top: e.getBoundingClientRect().top,"
            " inBar: e === document.body"
            " || !!e.closest('[data-quick-exit-bar], .govuk-skip-link')}; }"
        )
        if not focused["inBar"]:
            assert focused["top"] >= below_bar, key
            checked += 1
    assert checked > 100
    context.close()


# Motion a future stylesheet might add: the reduced-motion rule must turn it all off.
MOTION = (
    ".govuk-button { transition: background-color 1s; animation: app-pulse 2s infinite; }"
    " @keyframes app-pulse { from { opacity: 1; } to { opacity: 0.5; } }"
    " html { scroll-behavior: smooth; }"
)
MOTION_STATE = """() => {
    const button = getComputedStyle(document.querySelector('.govuk-button'));
    return [button.transitionDuration, button.animationName,
            getComputedStyle(document.documentElement).scrollBehavior];
}"""


@pytest.mark.parametrize(
    ("preference", "expected"),
    [("reduce", ["0s", "none", "auto"]), ("no-preference", ["1s", "app-pulse", "smooth"])],
)
def test_reduced_motion_turns_transitions_animations_and_smooth_scrolling_off(
    browser, site, preference, expected
):
    # The injected style is a test's own: the page's policy rightly forbids inline ones.
    context = browser.new_context(reduced_motion=preference, bypass_csp=True)
    page = context.new_page()
    page.goto(site + "/")
    page.add_style_tag(content=MOTION)
    assert page.evaluate(MOTION_STATE) == expected
    context.close()
