"""The privacy notice and the accessibility statement: reachable from every respondent
page, saying what the deployment's settings and the code's own rules say, and no more."""

from datetime import date

import pytest
from django.core import checks
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import override

from surveys import views
from surveys.export import RESEARCH_MINIMUM_ROWS
from surveys.models import AuditEntry
from surveys.months import shift
from tests.respondent_pages import every_respondent_page

pytestmark = pytest.mark.django_db

PRIVACY = reverse("surveys:privacy")
ACCESSIBILITY = reverse("surveys:accessibility")


def _text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_every_respondent_page_links_to_both_pages(token):
    for name, _status, page in every_respondent_page(token):
        html = page.content.decode()
        assert f'href="{PRIVACY}"' in html, name
        assert f'href="{ACCESSIBILITY}"' in html, name


def test_the_start_page_points_to_the_privacy_notice_before_anyone_starts(client):
    html = client.get(reverse("surveys:start")).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert f'href="{PRIVACY}"' in main


@pytest.mark.parametrize("url", [PRIVACY, ACCESSIBILITY])
def test_both_pages_have_the_quick_exit_and_set_no_cookie(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b"Leave this site" in response.content
    assert not response.cookies
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_privacy_notice_names_the_controller_and_contact_set_for_the_deployment(client, settings):
    settings.PRIVACY_CONTROLLER = "Example University"
    settings.PRIVACY_CONTACT = "dpo@example.ac.uk"
    text = _text(client, PRIVACY)
    assert "The survey is run by Example University" in text
    assert '<a class="govuk-link" href="mailto:dpo@example.ac.uk">dpo@example.ac.uk</a>' in text
    assert "will be published here" not in text


def test_privacy_notice_shows_a_placeholder_until_the_deployment_is_named(client, settings):
    settings.PRIVACY_CONTROLLER = ""
    settings.PRIVACY_CONTACT = ""
    text = _text(client, PRIVACY)
    assert "[name of the organisation that runs the survey]" in text
    assert "mailto:" not in text
    assert "Contact details for its data protection officer will be published here." in text


def test_deploy_checks_warn_until_the_controller_and_contact_are_set(settings):
    settings.PRIVACY_CONTROLLER = ""
    settings.PRIVACY_CONTACT = ""
    found = checks.run_checks(include_deployment_checks=True, tags=["privacy"])
    assert [message.id for message in found] == ["surveys.W001", "surveys.W002"]
    assert "PRIVACY_CONTROLLER" in found[0].msg
    settings.PRIVACY_CONTROLLER = "Example University"
    settings.PRIVACY_CONTACT = "dpo@example.ac.uk"
    settings.PRIVACY_CONTROLLER_CY = "Prifysgol Enghraifft"
    assert checks.run_checks(include_deployment_checks=True, tags=["privacy"]) == []


def _in(language, name):
    with override(language):
        return reverse(f"surveys:{name}")


@pytest.mark.parametrize("name", ["privacy", "accessibility"])
def test_welsh_pages_name_the_controller_in_welsh(client, settings, name):
    settings.PRIVACY_CONTROLLER = "Cardiff University"
    settings.PRIVACY_CONTROLLER_CY = "Prifysgol Caerdydd"
    welsh = _text(client, _in("cy", name))
    assert "Prifysgol Caerdydd" in welsh
    assert "Cardiff University" not in welsh
    english = _text(client, _in("en-gb", name))
    assert "Cardiff University" in english
    assert "Prifysgol Caerdydd" not in english


def test_welsh_pages_give_the_english_name_when_there_is_no_welsh_one(client, settings):
    settings.PRIVACY_CONTROLLER = "Example University"
    settings.PRIVACY_CONTROLLER_CY = ""
    assert "Example University" in _text(client, _in("cy", "privacy"))


def test_deploy_checks_warn_while_the_welsh_pages_would_name_the_controller_in_english(
    settings,
):
    settings.PRIVACY_CONTROLLER = "Example University"
    settings.PRIVACY_CONTACT = "dpo@example.ac.uk"
    settings.PRIVACY_CONTROLLER_CY = ""
    found = checks.run_checks(include_deployment_checks=True, tags=["privacy"])
    assert [message.id for message in found] == ["surveys.W004"]
    assert "PRIVACY_CONTROLLER_CY" in found[0].msg
    settings.PRIVACY_CONTROLLER = ""  # unset: W001 says so, and only that
    found = checks.run_checks(include_deployment_checks=True, tags=["privacy"])
    assert [message.id for message in found] == ["surveys.W001"]


@pytest.mark.parametrize(
    ("basis", "article", "other"),
    [("public_task", "6(1)(e)", "6(1)(f)"), ("legitimate_interests", "6(1)(f)", "6(1)(e)")],
)
def test_privacy_notice_gives_the_lawful_basis_chosen(client, settings, basis, article, other):
    settings.PRIVACY_LAWFUL_BASIS = basis
    text = _text(client, PRIVACY)
    assert f"UK GDPR Article {article}" in text
    assert other not in text
    assert "Article 9(2)(j)" in text  # special category data, under either basis


@pytest.mark.parametrize("months", [1, 24, 36])
def test_privacy_notice_gives_the_retention_period_purge_uses(client, settings, months):
    settings.RETENTION_MONTHS = months
    text = _text(client, PRIVACY)
    unit = "month" if months == 1 else "months"
    assert f"Your answers are kept for {months} {unit} after the end of the month" in text

    call_command("purge_responses")  # no period given: the one the notice states
    entry = AuditEntry.objects.get(action="purge responses")
    cutoff = shift(date.today().replace(day=1), -months)
    assert entry.filters == {"older_than_months": months, "before": cutoff.isoformat()}


def test_privacy_notice_gives_the_thresholds_the_code_applies(client, settings):
    settings.DISCLOSURE_THRESHOLD = 15
    text = _text(client, PRIVACY)
    assert "never for fewer than 15 people" in text
    assert "comments in groups of at least 15" in text
    assert f"only in sets of at least {RESEARCH_MINIMUM_ROWS} people" in text
    assert "10 people" not in text


def test_privacy_notice_says_what_is_kept_who_sees_it_and_how_to_complain(client):
    text = _text(client, PRIVACY)
    for promise in [
        "Nothing is saved until you press “Send my answers”",
        "The month you sent your answers, but not the day or the time",
        "Your IP address, or details of your device or browser",
        "Police forces</strong> see only totals for their own force",
        "approved researchers</strong>",
        "without anything that says who sent them",
        "where few people write in Welsh, the language it is written in",
        "You are welcome to write in Welsh or in English: the same rules apply to both",
        "cannot show them to you, change them or delete them",
        "phone or other devices",
        "counselling, medical or other personal records",
        "if you did not report, the police force area",
        "Information Commissioner’s Office (ICO)",
        "https://ico.org.uk/make-a-complaint/",
        "0303 123 1113",
    ]:
        assert promise in text, promise


def test_accessibility_statement_follows_the_public_sector_structure(client, settings):
    settings.ACCESSIBILITY_CONTACT = "access@example.ac.uk"
    text = _text(client, ACCESSIBILITY)
    headings = [
        "How accessible the survey is",
        "Reporting accessibility problems",
        "Enforcement procedure",
        "Technical information about the survey’s accessibility",
        "Compliance status",
        "Non-accessible content",
        "How we tested the survey",
        "Preparation of this accessibility statement",
    ]
    positions = [text.index(f">{heading}</h") for heading in headings]
    assert positions == sorted(positions)
    for fact in [
        "partially compliant with the",
        "Web Content Accessibility Guidelines version 2.2</a> AA standard",
        "Equality and Human Rights Commission (EHRC)",
        "Equality Commission for Northern Ireland (ECNI)",
        "axe-core checks every page",
        'href="mailto:access@example.ac.uk"',
    ]:
        assert fact in text, fact


def test_accessibility_statement_gives_the_dates_it_was_prepared_and_tested(client):
    text = _text(client, ACCESSIBILITY)
    prepared = f"{views.ACCESSIBILITY_STATEMENT_PREPARED:%-d %B %Y}"
    tested = f"{views.ACCESSIBILITY_LAST_TESTED:%-d %B %Y}"
    assert f"This statement was prepared on {prepared}." in text
    assert f"The survey was last tested on {tested}" in text
