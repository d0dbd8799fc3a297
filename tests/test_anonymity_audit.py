"""Anonymity audit (docs/anonymity.md): a respondent's address and browser are in no
stored row and no log line, and their answers are in no log line.

Requests carry marker values in every place an address or browser shows: the client's
own address (REMOTE_ADDR), X-Forwarded-For, X-Real-IP, Forwarded, User-Agent and
Referer; a few are malformed, so that gunicorn itself refuses and reports them. Then the
whole database is dumped and every log line is searched for the markers.
"""

import logging
import re
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from surveys.urls import urlpatterns
from tests.faults import cut_database_connection
from tests.live_app import served, throwaway_cluster
from tests.survey_data import submission

# Loopback reaches the whole of 127.0.0.0/8, so a client can really send from here.
CLIENT_ADDRESS = "127.77.88.99"
FORWARDED_FOR = "203.0.113.77"
PROXY_ADDRESS = "198.51.100.23"
USER_AGENT = "MarkerAgent/7.7 (audit)"
REFERRER_HOST = "marker-referrer.example"
IDENTIFYING_HEADERS = {
    "X-Forwarded-For": f"{FORWARDED_FOR}, {PROXY_ADDRESS}",
    "X-Real-IP": FORWARDED_FOR,
    "Forwarded": f"for={FORWARDED_FOR};proto=https",
    "User-Agent": USER_AGENT,
    "Referer": f"https://{REFERRER_HOST}/shared-link",
}
MARKERS = [CLIENT_ADDRESS, FORWARDED_FOR, PROXY_ADDRESS, "MarkerAgent", REFERRER_HOST]
ANSWER = "Marker answer: the second officer was kind."
# Requests that gunicorn itself refuses, before the app sees them.
MALFORMED = [
    # A header name with a space in it.
    f"GET / HTTP/1.1\r\nUser-Agent: {USER_AGENT}\r\nBad Name: x\r\n\r\n".encode(),
    b"NOT AN HTTP REQUEST\r\n\r\n",
]

SURVEY = reverse("surveys:survey")
ADMIN_LOGIN = reverse("admin:login")
FIELD_LIMIT = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
RESPONDENT_URLS = [reverse(f"surveys:{pattern.name}") for pattern in urlpatterns]


def _assert_free_of_markers(text):
    for marker in MARKERS:
        assert marker not in text, marker


def test_the_served_app_stores_and_logs_no_address_or_browser(tmp_path):
    """gunicorn with gunicorn.conf.py and production logging, on a database of its own."""
    with throwaway_cluster() as cluster, served(cluster.url, tmp_path / "app.log") as app:

        def visit(method, path, form=None):
            reply = app.request(
                method, path, form, headers=IDENTIFYING_HEADERS, source_address=CLIENT_ADDRESS
            )
            return reply.status

        def new_token():
            return app.new_token(headers=IDENTIFYING_HEADERS, source_address=CLIENT_ADDRESS)

        token = new_token()
        too_many_fields = {f"x{number}": "y" for number in range(FIELD_LIMIT + 1)}
        statuses = [
            *(visit("GET", url) for url in RESPONDENT_URLS),
            visit("GET", f"/?{urlencode({'from': FORWARDED_FOR})}"),
            visit("GET", "/no-such-page/"),
            visit("PUT", SURVEY),
            visit("POST", SURVEY, submission(token, believed="bogus")),
            visit("POST", SURVEY, submission("forged")),
            visit("POST", SURVEY, submission(token, free_text=ANSWER)),
            visit("POST", SURVEY, submission(token, free_text=ANSWER)),
            visit("POST", SURVEY, submission(new_token(), reported="no", free_text=ANSWER)),
            visit("POST", SURVEY, too_many_fields),
            visit("GET", "/cy/"),
            # Staff: the sign-in page, and a sign-in from a page elsewhere (CSRF refuses it).
            visit("GET", ADMIN_LOGIN),
            visit("POST", ADMIN_LOGIN, {"username": "someone", "password": "x"}),
        ]
        malformed = [app.send_raw(request, source_address=CLIENT_ADDRESS) for request in MALFORMED]
        dump = cluster.dump()
        log = app.log()

    assert malformed == ["HTTP/1.1 400 Bad Request"] * len(MALFORMED)
    assert "Invalid request" in log  # gunicorn's own report of them
    pages = [302 if url == reverse("surveys:exit") else 200 for url in RESPONDENT_URLS]
    # /cy/ is the Welsh start page.
    assert statuses == [*pages, 200, 404, 405, 200, 400, 303, 303, 303, 400, 200, 200, 403]
    assert ANSWER in dump  # the dump is the real thing: the answers are in it
    # The log is the real thing too: it recorded these very requests. Staff requests
    # have access lines in full; respondents' requests none, so neither their route
    # nor their language nor the size or timing of a page shows.
    access_lines = re.findall(r'^("[A-Z]+ \S*" \d{3}) \d+ \d+ms$', log, re.MULTILINE)
    assert access_lines == [f'"GET {ADMIN_LOGIN}" 200', f'"POST {ADMIN_LOGIN}" 403']
    assert "Not Found: /no-such-page/" in log
    assert "Bad Request" in log or "TooManyFieldsSent" in log
    assert "Traceback" not in log  # a 400 is one line, not a traceback
    assert f"Forbidden (Referer checking failed): {ADMIN_LOGIN}" in log
    _assert_free_of_markers(dump)
    _assert_free_of_markers(log)
    assert ANSWER not in log


_STANDARD_ATTRIBUTES = {*vars(logging.makeLogRecord({})), "message", "asctime"}


class _Everything(logging.Handler):
    """Keeps every record: its message and traceback, and every extra attached to it
    (such as the request), so nothing another formatter could print goes unseen."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRIBUTES}
        self.lines.append(f"{record.name} {self.format(record)} {extras!r}")


@pytest.fixture
def every_log_record():
    """Every logger, the root and those whose records do not propagate, at DEBUG level."""
    handler = _Everything()
    names = list(logging.root.manager.loggerDict)
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in names)]
    levels = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler.lines
    for logger, level in levels:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_no_log_record_at_any_level_holds_an_address_browser_or_answer(
    every_log_record, reference_data, token
):
    """In-process, DEBUG off as in production, through every outcome that logs: pages,
    not found, wrong method, forged token, oversize bodies, and a database failure."""
    assert not settings.DEBUG
    client = Client(
        REMOTE_ADDR=CLIENT_ADDRESS,
        **{f"HTTP_{name.upper().replace('-', '_')}": v for name, v in IDENTIFYING_HEADERS.items()},
    )
    # A non-reporter's page is the shortest survey page: at DEBUG, every blank field in
    # its templates is a record with the whole template context in its traceback.
    data = submission(token, reported="no", free_text=ANSWER)
    for url in RESPONDENT_URLS:
        client.get(url)
    client.get("/no-such-page/")
    client.post(reverse("surveys:start"))
    client.post(SURVEY, {"stage": "eligibility", "age_18_or_over": "yes", "reported": "no"})
    client.post(SURVEY, {**data, "token": "forged"})
    oversize = "x=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    too_many = "&".join(["x=y"] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    for body in (oversize, too_many):
        client.generic("POST", SURVEY, body, "application/x-www-form-urlencoded")
    cut_database_connection()
    assert client.post(SURVEY, data).status_code == 503
    connection.close()
    assert client.post(SURVEY, data).status_code == 303

    lines = "\n".join(every_log_record)
    assert "Not Found: /no-such-page/" in lines
    assert "Method Not Allowed" in lines
    assert "Could not store a response" in lines
    assert "Request Entity Too Large" in lines
    assert "DATA_UPLOAD_MAX_NUMBER_FIELDS" in lines
    _assert_free_of_markers(lines)
    assert ANSWER not in lines
