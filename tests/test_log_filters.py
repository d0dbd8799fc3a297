"""surveys.log_filters on records built by hand: what it shortens, and what it leaves."""

import logging

from surveys.log_filters import PlainRequestRecords


def _record(name, msg, args):
    return logging.getLogger(name).makeRecord(name, logging.WARNING, __file__, 1, msg, args, None)


def test_a_csrf_failure_keeps_its_reason_and_path_but_not_the_referer():
    record = _record(
        "django.security.csrf",
        "Forbidden (%s): %s",
        ("Referer checking failed - https://elsewhere.example/page does not match", "/admin/"),
    )
    assert PlainRequestRecords().filter(record)
    assert record.getMessage() == "Forbidden (Referer checking failed): /admin/"


def test_a_csrf_record_with_named_arguments_is_left_as_it_is():
    # One mapping is kept as the record's arguments; it has two keys here, as a
    # (reason, path) pair has two items, and must not be taken apart as one.
    record = _record(
        "django.security.csrf",
        "Forbidden (%(reason)s): %(path)s",
        ({"reason": "No token", "path": "/x/"},),
    )
    assert PlainRequestRecords().filter(record)
    assert record.getMessage() == "Forbidden (No token): /x/"
