"""The benchmark's seeded databases: copies of seeded responses hold just like them."""

import json
from collections import Counter

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from psycopg.conninfo import make_conninfo

from benchmarks import databases
from surveys.models import SurveyResponse
from tests.tallies import recount, tallies


def _conninfo():
    """The test database, as the role that owns it: copying turns triggers off."""
    settings = {**connection.settings_dict, **(django_settings.DATABASE_OWNER or {})}
    return make_conninfo(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"],
    )


def _responses():
    """Each response as what it holds, without its id."""
    return Counter(
        (
            response.submitted_month,
            response.force_id,
            response.reported,
            json.dumps(response.choices, sort_keys=True),
            response.free_text,
        )
        for response in SurveyResponse.objects.all()
    )


@pytest.mark.django_db(transaction=True)
def test_multiplied_responses_are_copies_under_new_ids_with_exact_tallies(reference_data):
    call_command("seed_responses", count=40, seed=5)
    before = _responses()

    databases.multiply(_conninfo(), 3)
    databases.multiply(_conninfo(), 2)  # as the million is made: copies of copies

    assert SurveyResponse.objects.count() == 240
    assert _responses() == Counter({key: 6 * n for key, n in before.items()})
    assert tallies() == recount()
