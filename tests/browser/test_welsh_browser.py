"""The survey in Welsh in a real Chromium: the whole journey with JavaScript on and off,
the language switch keeping the answers, nothing kept in the browser, and axe-core on
every Welsh page (docs/welsh.md)."""

import pytest
from playwright.sync_api import expect

from surveys.models import SurveyResponse
from surveys.questionnaire import QUESTIONNAIRES, VERSION, Audience
from tests.browser.test_accessibility_browser import every_section_then_thank_you

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("newest_live")]

# What a page may leave in the browser besides its history entry: nothing.
STORED = """async () => ({
    cookie: document.cookie,
    local: localStorage.length,
    session: sessionStorage.length,
    databases: (await indexedDB.databases()).length,
})"""


def _nothing_kept(page):
    assert page.context.cookies() == []
    assert page.evaluate(STORED) == {"cookie": "", "local": 0, "session": 0, "databases": 0}


def _to_welsh_survey(page, site, reported="Do, fe wnes i roi gwybod"):
    page.goto(site + "/cy/")
    page.get_by_role("button", name="Dechrau nawr").click()
    page.get_by_role("button", name="Parhau").click()
    page.get_by_label("Ydw", exact=True).check()
    page.get_by_label(reported).check()
    page.get_by_role("button", name="Parhau").click()
    page.locator("form[data-survey-form]").wait_for()


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_the_whole_survey_in_welsh_stores_the_same_keys(browser, site, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    _to_welsh_survey(page, site)
    assert page.evaluate("document.documentElement.lang") == "cy"
    assert page.url == site + "/cy/survey/"
    page.get_by_label("I ba heddlu y rhoddwyd gwybod?").select_option("gwent")
    sections = QUESTIONNAIRES[VERSION].sections_for(Audience.REPORTED)
    for section in sections:
        if section.key == "treatment":
            page.locator("#div_id_believed").get_by_label("Bob amser").check()
        if section.key == "phone_and_records":
            page.locator("#div_id_asked_for_devices").get_by_label("Do", exact=True).check()
        if javascript and section is not sections[-1]:
            page.locator("[data-survey-section]:visible").get_by_role(
                "button", name="Parhau"
            ).click()
    page.get_by_label("Oes unrhyw beth arall").fill("Roedd y swyddog yn garedig.")
    page.get_by_role("button", name="Anfon fy atebion").click()

    expect(page.get_by_role("heading", name="Diolch")).to_be_visible()
    assert page.url == site + "/cy/survey/thank-you/"
    stored = SurveyResponse.objects.get()
    assert stored.force_id == "gwent"
    assert stored.choices["believed"] == ["always"]
    assert stored.choices["asked_for_devices"] == ["yes"]
    assert stored.free_text == "Roedd y swyddog yn garedig."
    if javascript:
        _nothing_kept(page)
    else:
        assert context.cookies() == []
    context.close()


def test_switching_language_keeps_the_answers_and_keeps_nothing_in_the_browser(page, site):
    page.goto(site + "/survey/")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("No, it was not reported to the police").check()
    page.get_by_role("button", name="Continue").click()
    page.locator("form[data-survey-form]").wait_for()
    page.get_by_label("I felt embarrassed or ashamed").check()

    page.get_by_role("button", name="Cymraeg").click()

    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_label("Roeddwn i’n teimlo embaras neu gywilydd")).to_be_checked()
    expect(page.get_by_role("button", name="English")).to_have_attribute("lang", "en-gb")
    _nothing_kept(page)
    send = page.get_by_role("button", name="Anfon fy atebion")
    while not send.is_visible():
        page.locator("[data-survey-section]:visible").get_by_role("button", name="Parhau").click()
    send.click()
    expect(page.get_by_role("heading", name="Diolch")).to_be_visible()
    assert SurveyResponse.objects.get().choices["reasons_not_reported_2027"] == ["embarrassed"]
    _nothing_kept(page)


def test_escape_leaves_a_welsh_page(page, site, exit_stub):
    page.goto(site + "/cy/safety/")
    expect(page.get_by_role("link", name="Gadael y wefan hon")).to_be_visible()
    page.keyboard.press("Escape")
    page.wait_for_url(exit_stub.url)
    assert exit_stub.visits()


@pytest.mark.parametrize(
    "path",
    [
        *("/cy/", "/cy/before-you-start/", "/cy/safety/"),
        *("/cy/privacy/", "/cy/accessibility/", "/cy/dim/"),
    ],
)
def test_welsh_pages_have_no_violations(page, site, axe, path):
    page.goto(site + path)
    assert page.evaluate("document.documentElement.lang") == "cy"
    axe(page)


def test_welsh_eligibility_errors_and_under_18_page_have_no_violations(page, site, axe):
    page.goto(site + "/cy/survey/")
    axe(page)
    page.get_by_role("button", name="Parhau").click()
    assert page.title().startswith("Gwall:")
    axe(page)
    page.get_by_label("Nac ydw", exact=True).check()
    page.get_by_label("Naddo, ni roddwyd gwybod i’r heddlu").check()
    page.get_by_role("button", name="Parhau").click()
    expect(page.get_by_role("heading", name="Mae’r arolwg hwn ar gyfer oedolion")).to_be_visible()
    axe(page)


@pytest.mark.parametrize(
    ("reported", "audience"),
    [
        ("Do, fe wnes i roi gwybod", Audience.REPORTED),
        ("Naddo, ni roddwyd gwybod i’r heddlu", Audience.NOT_REPORTED),
    ],
)
def test_every_welsh_survey_section_then_thank_you_has_no_violations(
    page, site, axe, reported, audience
):
    _to_welsh_survey(page, site, reported=reported)
    every_section_then_thank_you(
        page, axe, audience, "Parhau", "Anfon fy atebion", "/cy/survey/thank-you/"
    )
