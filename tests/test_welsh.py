"""The survey in Welsh: chosen by the URL alone (/cy/...), kept through every step, the
same keys stored, nothing set in the browser, and a catalogue with every string
translated (docs/welsh.md)."""

import re
import subprocess

import pytest
from django.conf import settings
from django.core import checks
from django.urls import reverse
from django.utils.translation import override

from surveys.forces import FORCES
from surveys.models import SurveyResponse
from surveys.questionnaire import QUESTIONNAIRE
from tests.survey_data import posted_answers, stored_answers, submission, token_on

WELSH_NAMED = {"dyfed-powys", "gwent", "north-wales", "south-wales", "british-transport-police"}
CATALOGUE = settings.BASE_DIR / "locale" / "cy" / "LC_MESSAGES" / "django.po"
# The respondent pages with an address of their own that a GET shows.
PAGES = ["start", "before_you_start", "safety", "privacy", "accessibility", "thank_you"]
pytestmark = pytest.mark.django_db


def _cy(name):
    with override("cy"):
        return reverse(f"surveys:{name}")


def _en(name):
    # The test client's requests leave their language active in this thread.
    with override("en-gb"):
        return reverse(f"surveys:{name}")


def _text(response):
    """What a reader sees of a page: its text, tags and extra spaces removed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_welsh_pages_live_under_cy_and_english_ones_have_no_prefix():
    assert _cy("start") == "/cy/"
    assert _cy("survey") == "/cy/survey/"
    assert _cy("exit") == "/cy/exit/"
    assert _en("survey") == "/survey/"


@pytest.mark.parametrize("name", [*PAGES, "survey"])
def test_every_welsh_page_is_in_welsh_and_links_to_itself_in_english(client, name):
    response = client.get(_cy(name))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="cy"' in html
    assert response["Content-Language"] == "cy"
    assert "Gadael y wefan hon" in html
    assert "Leave this site" not in html
    assert "– Arolwg profiad</title>" in html
    english = _en(name)
    link = f'<a href="{english}" class="govuk-link" hreflang="en-gb" lang="en-gb" rel="alternate">'
    if name == "survey":  # a form: the answers go along (test_switching_keeps_...)
        assert 'formaction="/survey/"' in html
    else:
        assert link + "English</a>" in html
    assert '<span aria-current="true">Cymraeg</span>' in html


@pytest.mark.parametrize("name", PAGES)
def test_every_english_page_links_to_itself_in_welsh(client, name):
    html = client.get(_en(name)).content.decode()
    assert '<html lang="en-gb"' in html
    cymraeg = f'<a href="{_cy(name)}" class="govuk-link" hreflang="cy" lang="cy" rel="alternate">'
    assert cymraeg + "Cymraeg</a>" in html


def test_a_page_not_found_in_welsh_links_to_the_english_start(client):
    response = client.get("/cy/nowhere/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Heb ddod o hyd i’r dudalen" in html
    assert '<a href="/" class="govuk-link" hreflang="en-gb"' in html


@pytest.mark.parametrize("path", ["/cy/", "/cy/survey/", "/", "/survey/"])
def test_no_language_cookie_and_no_language_from_the_browser(client, path):
    """The URL alone chooses: a language cookie or Accept-Language is ignored, and no
    response sets a cookie."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy" if not path.startswith("/cy") else "en"
    response = client.get(path, headers={"accept-language": "cy, en;q=0.5"})
    expected = "cy" if path.startswith("/cy/") else "en-gb"
    assert f'<html lang="{expected}"' in response.content.decode()
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


def test_the_quick_exit_works_from_welsh_pages(client):
    response = client.get(_cy("exit"))
    assert response.status_code == 302
    assert response["Location"] == settings.QUICK_EXIT_URL
    assert 'href="/cy/exit/"' in client.get(_cy("start")).content.decode()


def test_the_whole_journey_in_welsh_stores_the_same_keys(client, live_version):
    eligibility = {"stage": "eligibility", "age_18_or_over": "yes", "reported": "yes_myself"}
    page = client.post(_cy("survey"), eligibility)
    html = page.content.decode()
    assert 'action="/cy/survey/"' in html
    assert "Adran 1 o" in html
    assert "I ba heddlu y rhoddwyd gwybod?" in html
    assert re.search(
        r'name="believed"\s+class="govuk-radios__input"\s+id="[^"]+"\s+value="always"', html
    )
    data = submission(token_on(html))

    response = client.post(_cy("survey"), data)

    assert response.status_code == 303
    assert response["Location"] == _cy("thank_you")
    stored = SurveyResponse.objects.get()
    assert stored.questionnaire_version == live_version
    assert stored_answers(stored) == posted_answers(data)
    assert "Diolch" in _text(client.get(response["Location"]))


def test_welsh_errors_are_in_welsh(client):
    page = client.post(_cy("survey"), {"stage": "eligibility"})
    text = _text(page)
    assert page.content.decode().count('class="govuk-error-message"') == 2
    assert "Mae problem wedi codi" in text
    assert "Dewiswch a ydych chi’n 18 oed neu’n hŷn" in text
    assert "<title>Gwall:" in page.content.decode()


def test_under_18s_get_the_welsh_page(client):
    eligibility = {"stage": "eligibility", "age_18_or_over": "no", "reported": "no"}
    page = client.post(_cy("survey"), eligibility)
    assert "Mae’r arolwg hwn ar gyfer oedolion" in _text(page)
    assert "0800 1111" in _text(page)


def test_switching_language_on_a_page_of_questions_keeps_every_answer(client, token):
    data = submission(token, action="language", believed="rarely")
    page = client.post(_cy("survey"), data)
    assert page.status_code == 200
    assert '<html lang="cy"' in page.content.decode()
    assert "Mae problem" not in _text(page)
    form = page.context["form"]
    assert form["believed"].value() == "rarely"
    assert form["how_reported"].value() == ["phone", "online"]
    assert form["token"].value() == token
    assert 'formaction="/survey/"' in page.content.decode()  # and back to English
    assert SurveyResponse.objects.count() == 0

    eligibility = {"stage": "eligibility", "action": "language", "reported": "no"}
    page = client.post(_en("survey"), eligibility)
    assert '<html lang="en-gb"' in page.content.decode()
    assert page.context["form"]["reported"].value() == "no"
    assert "Select whether" not in _text(page)  # nothing is checked on the way


def test_welsh_answers_are_counted_with_the_english_ones(client, token):
    client.post(_cy("survey"), submission(token))
    client.post(_en("survey"), submission(token_on(_eligible_page(client))))
    choices = [response.choices for response in SurveyResponse.objects.all()]
    assert choices[0] == choices[1]


def _eligible_page(client):
    data = {"stage": "eligibility", "age_18_or_over": "yes", "reported": "yes_myself"}
    return client.post(_en("survey"), data).content.decode()


def test_every_question_and_choice_reads_in_welsh():
    same = set()
    for question in QUESTIONNAIRE.questions.values():
        for text in [question.text, question.hint, *(c.label for c in question.choices)]:
            with override("en-gb"):
                english = str(text)
            with override("cy"):
                if english and str(text) == english:
                    same.add(english)
    with override("en-gb"):
        english_forces = {str(name) for slug, name in FORCES if slug not in WELSH_NAMED}
    # Forces in England (and British Transport Police) are known by their English names.
    assert same == english_forces


_FIELD = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$')


def _entries(path):
    """(context, msgid, plural, [msgstr...], flags) of each entry of a .po file."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields, flags, current = {}, set(), None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif found := re.match(
                r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line
            ):
                current = found[1]
                fields[current] = found[2]
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            strings = [value for key, value in sorted(fields.items()) if key.startswith("msgstr")]
            entries.append(
                (
                    fields.get("msgctxt"),
                    fields["msgid"],
                    fields.get("msgid_plural"),
                    strings,
                    flags,
                )
            )
    return entries


def _unfinished(path, plurals):
    """The entries a translator has still to do: an empty or fuzzy translation, or a
    plural with fewer than ``plurals`` forms filled."""
    return [
        msgid
        for _context, msgid, plural, strings, flags in _entries(path)
        if "fuzzy" in flags or not all(strings) or (plural is not None and len(strings) < plurals)
    ]


def test_every_string_has_a_welsh_translation():
    header = CATALOGUE.read_text(encoding="utf-8")
    plurals = int(re.search(r"nplurals=(\d+)", header)[1])
    assert plurals == 4  # Django's own Welsh catalogue has four
    assert len(_entries(CATALOGUE)) > 300
    assert _unfinished(CATALOGUE, plurals) == []


def _markup_changed(path):
    """Entries whose translation does not carry the English's markup exactly: every tag
    with its attributes (a link's address, <strong>), as often as the English has it."""
    tag = re.compile(r"<[^>]+>")
    return [
        msgid
        for _context, msgid, _plural, strings, _flags in _entries(path)
        if any(sorted(tag.findall(text)) != sorted(tag.findall(msgid)) for text in strings)
    ]


def test_every_translation_keeps_the_links_and_emphasis_of_the_english():
    assert _markup_changed(CATALOGUE) == []


def test_changed_markup_is_found(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid "Call <strong>999</strong>."\nmsgstr "Ffoniwch 999."\n\n'
        'msgid "See <a href=\\"https://ico.org.uk/\\">the ICO</a>"\n'
        'msgstr "Gweler <a href=\\"https://example.org/\\">yr ICO</a>"\n\n'
        'msgid "Call <strong>111</strong>."\nmsgstr "Ffoniwch <strong>111</strong>."\n',
        encoding="utf-8",
    )
    assert _markup_changed(po) == [
        "Call <strong>999</strong>.",
        'See <a href=\\"https://ico.org.uk/\\">the ICO</a>',
    ]


def test_unfinished_entries_are_found(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        '#, fuzzy\nmsgid "Fuzzy"\nmsgstr "Niwlog"\n\n'
        'msgid "Empty"\nmsgstr ""\n\n'
        'msgid "One day"\nmsgid_plural "%(n)s days"\nmsgstr[0] "Un diwrnod"\n'
        'msgstr[1] "Dau ddiwrnod"\nmsgstr[2] ""\nmsgstr[3] "%(n)s diwrnod"\n\n'
        'msgid "Two forms"\nmsgid_plural "Two forms"\nmsgstr[0] "a"\nmsgstr[1] "b"\n\n'
        'msgid "Done"\nmsgstr "Wedi gorffen"\n',
        encoding="utf-8",
    )
    assert _unfinished(po, 4) == ["Fuzzy", "Empty", "One day", "Two forms"]


def test_the_catalogue_compiles_with_its_placeholders_checked(tmp_path):
    result = subprocess.run(
        [
            "/usr/bin/msgfmt",
            "--check",
            "--output-file",
            str(tmp_path / "django.mo"),
            str(CATALOGUE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "django.mo").stat().st_size > 10_000


def test_the_admin_stays_in_english(admin_client):
    page = admin_client.get(reverse("admin:index"), headers={"accept-language": "cy"})
    assert '<html lang="en-gb"' in page.content.decode()
    assert admin_client.get("/cy/admin/").status_code == 404


def test_deploy_checks_warn_while_the_welsh_catalogue_is_not_compiled(settings, tmp_path):
    source = tmp_path / "cy" / "LC_MESSAGES" / "django.po"
    source.parent.mkdir(parents=True)
    source.write_bytes(CATALOGUE.read_bytes())
    settings.LOCALE_PATHS = [tmp_path]
    found = checks.run_checks(include_deployment_checks=True, tags=["translation"])
    assert [message.id for message in found] == ["surveys.W003"]
    compiled = source.with_suffix(".mo")
    subprocess.run(["/usr/bin/msgfmt", "-o", str(compiled), str(source)], check=True)
    assert checks.run_checks(include_deployment_checks=True, tags=["translation"]) == []
