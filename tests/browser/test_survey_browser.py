"""The survey in a real Chromium: one section at a time with JavaScript, one long page
without it, the keyboard alone, and the answers stored."""

import re

import pytest
from playwright.sync_api import expect

from surveys.models import SurveyResponse
from surveys.questionnaire import QUESTIONNAIRES, VERSION, Audience

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("newest_live")]
REPORTER_SECTIONS = QUESTIONNAIRES[VERSION].sections_for(Audience.REPORTED)


def _to_survey(page, site, reported="Yes, I reported it"):
    page.goto(site + "/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label(reported).check()
    page.get_by_role("button", name="Continue").click()
    # The click only starts the navigation: wait for the questions to be there.
    page.locator("form[data-survey-form]").wait_for()


def test_with_javascript_one_section_at_a_time_focus_on_heading(page, site):
    _to_survey(page, site)
    sections = page.locator("[data-survey-section]")
    expect(sections).to_have_count(len(REPORTER_SECTIONS))
    expect(sections.nth(0)).to_be_visible()
    expect(sections.nth(1)).to_be_hidden()
    expect(page.get_by_role("button", name="Send my answers")).to_be_hidden()

    page.get_by_label("Which police force was it reported to?").select_option("kent")
    page.locator("[data-survey-section]:visible").get_by_role("button", name="Continue").click()
    heading = page.locator("#section-reasons")
    expect(heading).to_be_focused()
    expect(heading).to_contain_text(f"Section 2 of {len(REPORTER_SECTIONS)}")
    expect(sections.nth(0)).to_be_hidden()

    # Back returns to the previous section with the answer still there.
    page.locator("[data-survey-section]:visible").get_by_role("button", name="Back").click()
    expect(page.locator("#section-report")).to_be_focused()
    expect(page.get_by_label("Which police force was it reported to?")).to_have_value("kent")

    for _ in range(len(REPORTER_SECTIONS) - 1):
        page.locator("[data-survey-section]:visible").get_by_role(
            "button", name="Continue"
        ).click()
    page.get_by_label("Is there anything else").fill("Kind officers.")
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    stored = SurveyResponse.objects.get()
    assert stored.force_id == "kent"
    assert stored.free_text == "Kind officers."


def test_enter_in_an_early_section_moves_on_rather_than_sending(page, site):
    _to_survey(page, site)
    page.get_by_label("In the last 6 months").press("Enter")
    expect(page.locator("#section-reasons")).to_be_focused()
    assert SurveyResponse.objects.count() == 0


def test_exclusive_checkbox_unticks_the_others(page, site):
    _to_survey(page, site)
    group = page.locator("#div_id_how_reported")
    group.get_by_label("By phone, on 999 or 101").check()
    group.get_by_label("Online").check()
    group.get_by_label("I do not know").check()
    expect(group.get_by_label("By phone, on 999 or 101")).not_to_be_checked()
    expect(group.get_by_label("Online")).not_to_be_checked()
    group.get_by_label("Online").check()
    expect(group.get_by_label("I do not know")).not_to_be_checked()


def test_error_opens_the_section_and_links_to_the_field(page, site):
    _to_survey(page, site)
    # Make one answer invalid the way a tampered or outdated page would.
    page.evaluate(
        "document.querySelector('input[name=believed]').value = 'not-a-choice';"
        "document.querySelector('input[name=believed]').checked = true;"
    )
    for _ in range(len(REPORTER_SECTIONS) - 1):
        page.locator("[data-survey-section]:visible").get_by_role(
            "button", name="Continue"
        ).click()
    page.get_by_role("button", name="Send my answers").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error:")
    expect(page.locator("#section-treatment")).to_be_visible()
    summary.get_by_role("link").click()
    expect(page.locator("#id_believed_1")).to_be_focused()
    assert SurveyResponse.objects.count() == 0


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_whole_survey_with_the_keyboard_alone(browser, site, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(site + "/")

    def tab_to(selector, limit=400):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("s => document.activeElement.matches(s)", selector):
                outline = page.evaluate(
                    "() => { const s = getComputedStyle(document.activeElement);"
                    " return s.outlineStyle !== 'none' || s.boxShadow !== 'none'; }"
                )
                assert outline, f"no visible focus on {selector}"
                return
        raise AssertionError(f"Tab never reached {selector}")

    def enter_and_load():
        with page.expect_navigation():
            page.keyboard.press("Enter")

    # The first thing Tab reaches is the quick exit.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Leave this site"

    tab_to("a.govuk-button--start")
    enter_and_load()
    tab_to("a[href='/survey/']")
    enter_and_load()
    tab_to("#id_age_18_or_over_1")
    page.keyboard.press("Space")
    tab_to("input[name=reported]")
    page.keyboard.press("Space")  # the first option: "Yes, I reported it"
    tab_to("button[type=submit]")
    enter_and_load()

    next_section = (
        "[data-survey-section]:not([hidden]) .govuk-button:not(.govuk-button--secondary)"
    )
    for section in REPORTER_SECTIONS:
        if section.key == "report":
            tab_to("#id_force")
            page.keyboard.type("Kent")
        if section.key == "treatment":
            tab_to("input[name=dignity_respect]")
            page.keyboard.press("Space")  # "Always"
        if javascript and section is not REPORTER_SECTIONS[-1]:
            tab_to(next_section)
            page.keyboard.press("Enter")
    tab_to("[data-survey-submit] button[value=submit]")
    enter_and_load()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    stored = SurveyResponse.objects.get()
    assert stored.force_id == "kent"
    assert stored.choices["dignity_respect"] == ["always"]
    context.close()


def test_last_section_has_one_back_button_after_the_send_button(page, site):
    _to_survey(page, site, reported="No, it was not reported to the police")
    while page.get_by_role("button", name="Send my answers").is_hidden():
        page.locator("[data-survey-section]:visible").get_by_role(
            "button", name="Continue"
        ).click()
    buttons = page.locator("form[data-survey-form] button:visible")
    labels = [label.strip() for label in buttons.all_inner_texts()]
    assert labels[-2:] == ["Send my answers", "Back"]
    assert labels.count("Back") == 1
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("button", name="Send my answers")).to_be_hidden()


def _to_last_section(page):
    for _ in range(len(REPORTER_SECTIONS) - 1):
        page.locator("[data-survey-section]:visible").get_by_role(
            "button", name="Continue"
        ).click()


def _paste(page, text):
    """Put text in the free-text box as a paste would, its character count told."""
    page.evaluate(
        """text => {
            const field = document.querySelector("textarea[name=free_text]");
            field.value = text;
            field.dispatchEvent(new Event("input", {bubbles: true}));
        }""",
        text,
    )


# Far beyond what the server takes unread (DATA_UPLOAD_MAX_MEMORY_SIZE, 256 KB): one long
# answer, and one of blank lines, each 180 KB as typed but 360 KB once the browser sends
# its line ends as CR LF.
TOO_LONG = {"long": "a" * 300_000, "lines": "\n" * 60_000}


@pytest.mark.parametrize("text", TOO_LONG.values(), ids=TOO_LONG.keys())
def test_an_answer_too_long_to_send_is_stopped_before_it_is_sent_and_nothing_is_lost(
    page, site, text
):
    _to_survey(page, site)
    page.get_by_label("Which police force was it reported to?").select_option("kent")
    _to_last_section(page)
    _paste(page, text)
    page.get_by_role("button", name="Send my answers").click()

    summary = page.locator("[data-too-long]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text(
        "This answer is too long to send. Shorten it to 4000 characters or fewer."
    )
    expect(summary).to_contain_text("Nothing has been sent yet")
    expect(page.locator("form[data-survey-form]")).to_be_visible()  # not the 413 page
    page.get_by_role("button", name="Send my answers").click()
    expect(summary).to_have_count(1)
    assert SurveyResponse.objects.count() == 0

    assert page.title().startswith("Error:")
    summary.get_by_role("link").click()
    field = page.locator("textarea[name=free_text]")
    expect(field).to_be_focused()
    # The answer is marked as the server marks one in error, and says why.
    expect(field).to_have_class(re.compile(r"\bgovuk-textarea--error\b"))
    expect(field).to_have_accessible_description(re.compile("too long to send"))
    expect(page.locator(".govuk-form-group--error .govuk-error-message")).to_have_count(1)
    expect(page.get_by_label("Which police force was it reported to?")).to_have_value("kent")
    page.locator("textarea[name=free_text]").fill("Kind officers.")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    stored = SurveyResponse.objects.get()
    assert (stored.force_id, stored.free_text) == ("kent", "Kind officers.")


def test_switching_language_with_an_answer_too_long_to_send_is_stopped_too(page, site):
    _to_survey(page, site)
    _to_last_section(page)
    _paste(page, TOO_LONG["long"])
    page.get_by_role("button", name="Cymraeg").click()
    expect(page.locator("[data-too-long]")).to_be_focused()
    assert "/cy/" not in page.url


def test_an_answer_over_its_limit_but_small_enough_to_send_gets_the_servers_message(page, site):
    _to_survey(page, site)
    _to_last_section(page)
    _paste(page, "a" * 4001)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("4000 characters or fewer")
    assert page.title().startswith("Error:")
    expect(page.locator("[data-too-long]")).to_have_count(0)
