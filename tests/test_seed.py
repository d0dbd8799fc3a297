"""seed_responses makes realistic, varied synthetic data quickly."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from surveys.models import SurveyResponse

pytestmark = pytest.mark.django_db


def test_seeded_responses_vary_across_forces_months_and_answers():
    call_command("seed_responses", count=2000, seed=7, stdout=None)

    assert SurveyResponse.objects.count() == 2000
    assert SurveyResponse.objects.values("force").distinct().count() > 30
    assert SurveyResponse.objects.values("submitted_month").distinct().count() >= 20
    assert 0.6 < SurveyResponse.objects.filter(reported=True).count() / 2000 < 0.95
    responses = list(SurveyResponse.objects.all())
    believed = Counter(c for r in responses for c in r.choices.get("believed", ()))
    assert set(believed) >= {"always", "often", "sometimes", "rarely", "never"}
    assert max(believed.values()) < 0.6 * sum(believed.values())
    # Non-reporters answer the non-reporting section, never the police ones.
    non_reporters = [r.choices for r in responses if not r.reported]
    assert any("reasons_not_reported" in given for given in non_reporters)
    assert not any({"believed", "force"} & set(given) for given in non_reporters)


def _answers():
    return sorted(
        (repr(sorted(r.choices.items())), r.free_text, r.submitted_month)
        for r in SurveyResponse.objects.all()
    )


def test_a_seed_repeats_the_answers_but_not_the_ids():
    call_command("seed_responses", count=50, seed=3)
    first, ids = _answers(), set(SurveyResponse.objects.values_list("id", flat=True))
    SurveyResponse.objects.all().delete()
    call_command("seed_responses", count=50, seed=3)
    assert _answers() == first
    assert not ids & set(SurveyResponse.objects.values_list("id", flat=True))


def test_one_seed_for_two_forces_adds_both():
    call_command("seed_responses", count=40, force="kent", seed=5)
    call_command("seed_responses", count=40, force="dorset", seed=5)
    assert SurveyResponse.objects.count() == 80


def test_the_realistic_profile_has_the_national_surveys_volume_and_spread():
    call_command("seed_responses", profile="realistic", seed=4)
    responses = SurveyResponse.objects.all()
    assert responses.count() == 9000  # about 3,000 a year, over RETENTION_MONTHS (36)
    assert 0.07 < responses.filter(reported=False).count() / 9000 < 0.13
    by_force = Counter(responses.exclude(force=None).values_list("force", flat=True))
    # In proportion to the people each force serves: the Met about 5 times Kent's.
    assert 3.5 < by_force["metropolitan"] / by_force["kent"] < 6.5
    assert by_force["kent"] / 36 < 10  # a handful a month, as a real force sees
    months = set(responses.values_list("submitted_month", flat=True))
    assert len(months) == 36


def test_the_stress_profile_needs_a_count():
    with pytest.raises(CommandError, match="--count is needed"):
        call_command("seed_responses")


def test_seed_for_one_force():
    call_command("seed_responses", count=300, force="dorset", seed=1)
    forces = set(SurveyResponse.objects.values_list("force", flat=True))
    assert forces <= {"dorset", None}
    assert "dorset" in forces


def test_seed_rejects_an_unknown_force():
    with pytest.raises(CommandError, match="Unknown force"):
        call_command("seed_responses", count=1, force="atlantis")


def test_seeding_is_not_cut_short_by_the_statement_timeout():
    # The web's 30-second limit would cancel a large COPY; seeding lifts it (SET LOCAL,
    # for its own transaction). A 1 ms limit proves the lifting: without it the COPY
    # is cancelled at once.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 1")
        call_command("seed_responses", count=3000, seed=2)
    assert SurveyResponse.objects.count() == 3000
