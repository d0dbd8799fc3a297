"""The questionnaire's versions: what each asks, when each goes live, and how a response
and the results carry them (docs/questionnaire.md)."""

from datetime import date

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from surveys import months, tokens
from surveys.filters import Filters, Period
from surveys.models import AnswerTally, SurveyResponse
from surveys.questionnaire import (
    FIRST_VERSION,
    LIVE_FROM,
    QUESTIONNAIRE,
    QUESTIONNAIRES,
    VERSION,
    live,
)
from surveys.results import KEY_MEASURES, results
from tests.conftest import make_live
from tests.publishing import publish_everything
from tests.survey_data import submission, token_on

SURVEY = reverse("surveys:survey")
RESULTS = reverse("admin:results")

# What version 2026.1 asked, by question key: its choices' keys. Answers already stored
# refer to these keys, so they never change; a question that means something else is
# a new question with a key of its own.
ASKED_IN_2026_1 = {
    "age_18_or_over": "yes no",
    "reported": "yes_myself yes_someone_else no",
    "reasons_not_reported": (
        "not_believed process fear_of_perpetrator not_serious others_knowing "
        "previous_experience distrust did_not_know_how move_on something_else prefer_not"
    ),
    "force": " ".join([*(c.key for c in QUESTIONNAIRE.questions["force"].choices)]),
    "when_reported": "last_6_months 6_to_12_months 1_to_2_years 2_to_5_years "
    "more_than_5_years dont_know",
    "how_reported": "phone in_person online support_service officer something_else dont_know",
    "time_to_report": "within_a_week within_a_month within_a_year more_than_a_year prefer_not",
    "relationship": "partner family friend work_or_study online stranger more_than_one "
    "something_else prefer_not",
    "case_status": "investigating no_further_action charged court_finished withdrawn "
    "something_else dont_know",
    "reasons_reported": "protect_others justice protect_myself be_heard support encouraged "
    "something_else prefer_not",
    "importance_charge": "very fairly not_very not_at_all dont_know",
    "importance_conviction": "very fairly not_very not_at_all dont_know",
    **dict.fromkeys(
        [
            "dignity_respect",
            "believed",
            "taken_seriously",
            "kept_informed",
            "understood",
            "felt_safe",
            "not_my_fault",
            "pressure_to_withdraw",
        ],
        "always often sometimes rarely never not_applicable",
    ),
    "expectations": "much_better better as_expected worse much_worse no_expectations",
    "good_job": "strongly_agree agree neither disagree strongly_disagree dont_know",
    "mental_health": "very_positive positive no_effect negative very_negative prefer_not",
    "report_again": "definitely probably probably_not definitely_not not_sure",
    "isva": "yes no_wanted no_not_wanted dont_know",
    "other_support": "rape_crisis sarc counselling gp victim_support family_friends "
    "something_else none",
    "support_wait": "no_wait under_1_month 1_to_3_months 3_to_6_months over_6_months "
    "still_waiting not_applicable",
    "support_helpful": "very fairly not_very not_at_all not_applicable",
    "age_band": "18_24 25_34 35_44 45_54 55_64 65_plus prefer_not",
    "sex": "female male prefer_not",
    "gender_same_as_sex": "yes no prefer_not",
    "sexual_orientation": "straight gay_lesbian bisexual other prefer_not",
    "ethnicity": "asian black mixed white other prefer_not",
    "disability": "yes no prefer_not",
    "disability_impact": "a_lot a_little not_at_all no_conditions prefer_not",
    "free_text": "",
}

NEW_IN_2027_1 = {
    "reasons_not_reported_2027",
    "force_area",
    "reassured",
    "comfortable",
    "valued",
    "physical_health",
    "safety_day_to_day",
    "trust_in_police",
    "encourage_friend",
    "asked_for_devices",
    "devices_explained",
    "asked_for_records",
    "records_explained",
}


def _asked(questionnaire):
    return {
        key: " ".join(choice.key for choice in question.choices)
        for key, question in questionnaire.questions.items()
    }


def test_version_2026_1_still_asks_what_it_asked():
    assert _asked(QUESTIONNAIRES["2026.1"]) == ASKED_IN_2026_1


def test_version_2027_1_keeps_every_unchanged_key_and_adds_the_new_questions():
    asked = _asked(QUESTIONNAIRES["2027.1"])
    kept = {key: choices for key, choices in ASKED_IN_2026_1.items() if key in asked}
    assert set(ASKED_IN_2026_1) - set(kept) == {"reasons_not_reported"}
    assert kept == {key: asked[key] for key in kept}  # the same choices, the same keys
    assert set(asked) - set(ASKED_IN_2026_1) == NEW_IN_2027_1


def test_the_changed_reasons_question_has_a_new_key_with_the_old_choices_and_one_more():
    old = QUESTIONNAIRE.questions["reasons_not_reported"]
    new = QUESTIONNAIRE.questions["reasons_not_reported_2027"]
    assert (old.since, old.until) == (FIRST_VERSION, FIRST_VERSION)
    assert new.since == "2027.1"
    assert new.choice_keys - old.choice_keys == {"embarrassed"}
    assert "embarrassed" in str(new.label_for("embarrassed"))


def test_a_friend_is_encouraged_on_the_key_measures_positive_answers():
    question = QUESTIONNAIRE.questions["encourage_friend"]
    positive = {key: answers for key, answers, _label in KEY_MEASURES}["encourage_friend"]
    assert positive == ("definitely", "probably")
    assert set(positive) <= question.choice_keys
    labels = [str(question.label_for(key)) for key in positive]
    assert labels == ["Yes, definitely", "Yes, probably"]


def test_non_reporters_force_area_offers_every_force_and_prefer_not_to_say():
    question = QUESTIONNAIRES["2027.1"].questions["force_area"]
    assert question in QUESTIONNAIRES["2027.1"].sections[0].questions  # non-reporters'
    assert {"prefer_not", "dont_know", "kent", "gwent"} <= question.choice_keys
    assert "only ever see totals" in str(question.hint)


def test_every_key_measures_question_offers_its_positive_answers():
    for key, positive, _label in KEY_MEASURES:
        assert set(positive) <= QUESTIONNAIRE.questions[key].choice_keys


def test_versions_go_live_on_the_first_day_of_a_quarter_oldest_first():
    # A month boundary keeps the version from narrowing down when in a month anyone
    # answered; a quarter's, when in a quarter (what research rows carry).
    starts = list(LIVE_FROM.values())
    assert starts == sorted(starts)
    assert len(set(starts)) == len(starts)
    for start in starts:
        assert start == months.quarter_start(start)
    assert list(LIVE_FROM)[-1] == VERSION
    for question in QUESTIONNAIRE.questions.values():
        assert question.since in LIVE_FROM
        assert question.until in {"", *LIVE_FROM}


def test_the_version_live_changes_only_between_two_months():
    assert live(date(2026, 12, 31)).version == "2026.1"
    assert live(date(2027, 1, 1)).version == "2027.1"
    assert live(date(2027, 1, 31)).version == "2027.1"
    assert live(date(2025, 6, 1)).version == FIRST_VERSION


@pytest.mark.django_db
def test_a_response_stores_the_version_live_in_its_month(client, live_version):
    page = client.post(SURVEY, {"stage": "eligibility", "age_18_or_over": "yes", "reported": "no"})
    assert f'name="version" value="{live_version}"' in page.content.decode()
    client.post(SURVEY, submission(token_on(page.content.decode()), reported="no"))
    stored = SurveyResponse.objects.get()
    assert stored.questionnaire_version == live_version
    assert stored.submitted_month == timezone.localdate().replace(day=1)


@pytest.mark.django_db
def test_a_page_opened_before_a_new_version_is_asked_again_in_it_before_anything_is_stored(
    client, monkeypatch
):
    make_live(monkeypatch, FIRST_VERSION)
    data = submission(tokens.issue(), reported="no")
    assert data["version"] == FIRST_VERSION
    make_live(monkeypatch, VERSION)  # midnight passes: a new month, a new version

    page = client.post(SURVEY, data)

    assert page.status_code == 409
    assert SurveyResponse.objects.count() == 0
    html = page.content.decode()
    assert "Some questions have changed" in html
    assert f'name="version" value="{VERSION}"' in html
    assert 'name="reasons_not_reported_2027"' in html
    form = page.context["form"]
    assert form["age_band"].value() == "25_34"  # what still applies is kept
    assert form["token"].value() == data["token"]

    resent = {key: value for key, value in data.items() if key != "reasons_not_reported"}
    assert client.post(SURVEY, {**resent, "version": VERSION}).status_code == 303
    assert SurveyResponse.objects.get().questionnaire_version == VERSION


@pytest.mark.django_db
def test_an_unknown_version_is_the_live_one(client, newest_live):
    data = submission(tokens.issue(), reported="no", version="1999.<script>")
    assert client.post(SURVEY, data).status_code == 303
    assert SurveyResponse.objects.get().questionnaire_version == VERSION


@pytest.mark.django_db
def test_results_count_every_version_by_stable_keys(client, monkeypatch):
    """Old responses keep their version; a key both versions ask is counted across
    them, the replaced question from the old, its replacement from the new."""
    make_live(monkeypatch, FIRST_VERSION)
    for _ in range(12):
        client.post(SURVEY, submission(tokens.issue(), reported="no"))
    make_live(monkeypatch, VERSION)
    for _ in range(13):
        client.post(SURVEY, submission(tokens.issue(), reported="no"))
    versions = sorted(SurveyResponse.objects.values_list("questionnaire_version", flat=True))
    assert versions == [FIRST_VERSION] * 12 + [VERSION] * 13
    publish_everything()

    tallied = AnswerTally.objects.published().values("question", "choice")
    counts = {
        (r["question"], r["choice"]): r["n"] for r in tallied.annotate(n=Sum("response_count"))
    }
    assert counts[("age_band", "25_34")] == 25
    assert counts[("reasons_not_reported", "not_believed")] == 12
    assert counts[("reasons_not_reported_2027", "embarrassed")] == 13
    assert counts[("force_area", "gwent")] == 13
    shown = results(Filters(None, Period.parse("all"), False), threshold=10)
    rows = {row.question.key: row.question for _section, rows in shown.sections for row in rows}
    assert str(rows["reasons_not_reported"].caption).endswith("(asked up to version 2026.1)")
    assert str(rows["reasons_not_reported_2027"].caption).endswith("(asked from version 2027.1)")
    assert str(rows["age_band"].caption) == "How old are you?"


@pytest.mark.django_db
def test_non_reporters_count_for_the_force_area_they_name(client, newest_live):
    # docs/questionnaire.md: the force a response counts for is the area someone who
    # did not report named, as it is the force a reporter named.
    client.post(SURVEY, submission(tokens.issue(), reported="no", force_area="kent"))
    client.post(SURVEY, submission(tokens.issue(), reported="no", force_area="prefer_not"))
    named = SurveyResponse.objects.get(choices__force_area=["kent"])
    assert named.force_id == "kent"
    assert not named.reported
    assert SurveyResponse.objects.get(choices__force_area=["prefer_not"]).force_id is None
    publish_everything()
    kent = AnswerTally.objects.filter(force="kent", reported=False)
    assert kent.filter(question="reasons_not_reported_2027", choice="embarrassed").exists()


@pytest.mark.django_db
def test_a_forces_results_hold_the_people_in_its_area_who_did_not_report(
    admin_client, newest_live
):
    for reasons in (["embarrassed", "distrust"], ["not_believed"]) * 12:
        admin_client.post(
            SURVEY,
            submission(
                tokens.issue(),
                reported="no",
                force_area="kent",
                reasons_not_reported_2027=reasons,
            ),
        )
        admin_client.post(SURVEY, submission(tokens.issue(), force="kent"))
    publish_everything()
    page = admin_client.get(RESULTS, {"force": "kent"})
    asked = {
        row.question.key: row for _s, rows in page.context["results"].sections for row in rows
    }
    assert "reasons_not_reported_2027" in asked  # why people in Kent did not report
    assert not {"force", "force_area"} & set(asked)  # the questions that chose Kent
    reasons = {c.key: c for c in asked["reasons_not_reported_2027"].table.cells}
    assert not reasons["embarrassed"].hidden
    assert "no" in asked["reported"].labels
    theirs = admin_client.get(RESULTS, {"force": "kent", "reported": "no"}).context["results"]
    assert theirs.shown_base
    assert "believed" not in {row.question.key for _s, rows in theirs.sections for row in rows}
