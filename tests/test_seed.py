"""seed_responses makes realistic, varied synthetic data quickly."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from surveys.models import Response

pytestmark = pytest.mark.django_db


def test_seeded_responses_vary_across_forces_months_and_answers():
    call_command("seed_responses", count=2000, seed=7, stdout=None)

    assert Response.objects.count() == 2000
    assert Response.objects.values("force").distinct().count() > 30
    assert Response.objects.values("submitted_month").distinct().count() >= 20
    assert 0.6 < Response.objects.filter(reported=True).count() / 2000 < 0.95
    responses = list(Response.objects.all())
    believed = Counter(c for r in responses for c in r.choices.get("believed", ()))
    assert set(believed) >= {"always", "often", "sometimes", "rarely", "never"}
    assert max(believed.values()) < 0.6 * sum(believed.values())
    # Non-reporters answer the non-reporting section, never the police ones.
    non_reporters = [r.choices for r in responses if not r.reported]
    assert any("reasons_not_reported" in given for given in non_reporters)
    assert not any({"believed", "force"} & set(given) for given in non_reporters)


def test_seed_is_repeatable():
    call_command("seed_responses", count=50, seed=3)
    first = sorted(Response.objects.values_list("id", flat=True))
    Response.objects.all().delete()
    call_command("seed_responses", count=50, seed=3)
    assert sorted(Response.objects.values_list("id", flat=True)) == first


def test_seed_for_one_force():
    call_command("seed_responses", count=300, force="dorset", seed=1)
    forces = set(Response.objects.values_list("force", flat=True))
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
    assert Response.objects.count() == 3000
