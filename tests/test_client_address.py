"""Whose address a staff sign-in comes from, behind TRUSTED_PROXY_COUNT proxies: the
X-Forwarded-For entry that many places from the right, never one the client wrote."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from surveys.sign_in import client_address
from surveys.urls import urlpatterns
from tests.survey_data import submission

LOGIN = reverse("admin:login")
SURVEY = reverse("surveys:survey")
RESPONDENT_URLS = [reverse(f"surveys:{pattern.name}") for pattern in urlpatterns]
LOAD_BALANCER = "10.0.0.5"


def _address(settings, forwarded_for=None, proxies=0, remote=LOAD_BALANCER):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return client_address(RequestFactory().post(LOGIN, REMOTE_ADDR=remote, **headers))


@pytest.mark.parametrize(
    ("forwarded_for", "proxies", "expected"),
    [
        # No proxies: whatever the header says, the socket's address.
        ("198.51.100.7", 0, LOAD_BALANCER),
        # One load balancer appends the address it was reached from.
        ("198.51.100.7", 1, "198.51.100.7"),
        # A client forging the header only adds entries to the left of the real one.
        ("203.0.113.1, 198.51.100.7", 1, "198.51.100.7"),
        ("203.0.113.1,203.0.113.2,  198.51.100.7", 1, "198.51.100.7"),
        # A CDN and then a load balancer: the client is second from the right.
        ("203.0.113.1, 198.51.100.7, 172.16.0.9", 2, "198.51.100.7"),
        ("2001:db8::7, 172.16.0.9", 2, "2001:db8::7"),
        # Fewer entries than proxies, or not an address: the socket's address.
        ("198.51.100.7", 2, LOAD_BALANCER),
        ("", 1, LOAD_BALANCER),
        (None, 1, LOAD_BALANCER),
        ("198.51.100.7, not-an-address", 1, LOAD_BALANCER),
    ],
)
def test_the_client_is_counted_from_the_right(forwarded_for, proxies, expected, settings):
    assert _address(settings, forwarded_for, proxies) == expected


@pytest.mark.django_db
def test_forged_headers_neither_dodge_nor_spread_a_lockout(
    client, django_user_model, settings, caplog
):
    """Behind one load balancer: an attacker who writes a new X-Forwarded-For on every
    try is still locked out at their real address, and the owner, at theirs, is not."""
    settings.TRUSTED_PROXY_COUNT = 1
    django_user_model.objects.create_user(
        "analyst", password="the-right-password-42", is_staff=True
    )

    def sign_in(password, forwarded_for):
        return client.post(
            LOGIN,
            {"username": "analyst", "password": password},
            REMOTE_ADDR=LOAD_BALANCER,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    for number in range(5):
        sign_in("wrong", f"192.0.2.{number}, 203.0.113.66")
    assert sign_in("the-right-password-42", "192.0.2.99, 203.0.113.66").status_code == 429
    # The owner, at another address, through the same load balancer, logged as such.
    assert sign_in("the-right-password-42", "203.0.113.66, 198.51.100.7").status_code == 302
    assert "Staff account locked out: analyst from 203.0.113.66" in caplog.text
    assert "Staff sign-in: analyst from 198.51.100.7" in caplog.text


@pytest.mark.django_db
def test_only_staff_sign_in_reads_a_client_address(client, monkeypatch, settings, token):
    """Respondents' requests, of every kind, never reach the address resolver."""
    settings.TRUSTED_PROXY_COUNT = 1
    asked = []

    def recording(request):
        asked.append(request.path)
        return client_address(request)

    monkeypatch.setattr("surveys.sign_in.client_address", recording)
    forwarded = {"REMOTE_ADDR": LOAD_BALANCER, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for url in RESPONDENT_URLS:
        client.get(url, **forwarded)
    client.post(SURVEY, submission(token, free_text="Kind officers."), **forwarded)
    client.post(SURVEY, {"stage": "eligibility", "age_18_or_over": "yes"}, **forwarded)
    assert asked == []
    client.post(LOGIN, {"username": "someone", "password": "wrong"}, **forwarded)
    assert LOGIN in asked
