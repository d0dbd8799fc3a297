"""purge_responses: old responses go, with their answers and counts; only the number is
recorded."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from surveys import tokens
from surveys.models import AuditEntry, SubmissionReceipt, SurveyResponse, UntalliedResponse
from surveys.months import shift
from tests.survey_data import submission, token_issued
from tests.tallies import recount, tallies

pytestmark = pytest.mark.django_db


def test_months_shift_across_years():
    assert shift(date(2026, 3, 1), -3) == date(2025, 12, 1)
    assert shift(date(2026, 11, 1), -12) == date(2025, 11, 1)
    assert shift(date(2026, 11, 1), 3) == date(2027, 2, 1)


def test_old_responses_answers_and_tallies_go_and_the_count_is_audited():
    call_command("seed_responses", count=600, seed=3)
    cutoff = shift(date.today().replace(day=1), -12)
    old = SurveyResponse.objects.filter(submitted_month__lt=cutoff).count()
    assert 0 < old < 600
    SubmissionReceipt.objects.create(nonce="old", month=date(2020, 1, 1))
    SubmissionReceipt.objects.create(nonce="new", month=date.today().replace(day=1))

    call_command("purge_responses", older_than_months=12)

    assert SurveyResponse.objects.count() == 600 - old
    assert not SurveyResponse.objects.filter(submitted_month__lt=cutoff).exists()
    assert tallies() == recount()
    assert list(SubmissionReceipt.objects.values_list("nonce", flat=True)) == ["new"]
    entry = AuditEntry.objects.get(action="purge responses")
    assert entry.base == old
    assert entry.user is None
    assert entry.filters == {"older_than_months": 12, "before": cutoff.isoformat()}


def test_responses_still_queued_for_the_tally_are_purged_too(client):
    for _ in range(2):
        client.post(reverse("surveys:survey"), submission(tokens.issue()))
    old, kept = SurveyResponse.objects.all()
    SurveyResponse.objects.filter(pk=old.pk).update(submitted_month=date(2020, 1, 1))
    assert UntalliedResponse.objects.count() == 2  # neither counted into the tally yet

    call_command("purge_responses", older_than_months=12)

    assert list(SurveyResponse.objects.all()) == [kept]
    assert not UntalliedResponse.objects.exists()
    counted = tallies()
    assert counted == recount()
    assert sum(n for key, n in counted.items() if key[3:] == ("", "")) == 1


def test_a_form_sent_again_while_its_token_lasts_is_not_stored_twice(client):
    """Receipts stay as long as the token they record could still be sent: this form
    was filled in and sent almost MAX_AGE ago, in an earlier month, and sent again."""
    issued_ago = tokens.MAX_AGE - timedelta(days=1)
    data = submission(token_issued(issued_ago))
    assert client.post(reverse("surveys:survey"), data).status_code == 303
    sent_in = (date.today() - issued_ago).replace(day=1)
    SubmissionReceipt.objects.update(month=sent_in)
    SurveyResponse.objects.update(submitted_month=sent_in)

    call_command("purge_responses", older_than_months=36)

    assert client.post(reverse("surveys:survey"), data).status_code == 303
    assert SurveyResponse.objects.count() == 1


def test_purge_needs_a_sensible_period():
    with pytest.raises(CommandError):
        call_command("purge_responses", older_than_months=0)
