"""Free-text redaction of e-mail addresses, phone numbers, postcodes, URLs and vehicle
registrations: what must go, what must stay, and a set of hand-written mutants of the
patterns (the mutation tester does not change string literals; docs/testing.md)."""

import re

import pytest

from surveys import redaction
from surveys.redaction import redact

EMAIL = "[e-mail address removed]"
URL = "[web address removed]"
PHONE = "[phone number removed]"
POSTCODE = "[postcode removed]"
VEHICLE = "[vehicle registration removed]"

REDACTED = [
    ("write to jo.bloggs+x@mail.example.co.uk now", f"write to {EMAIL} now"),
    ("see https://example.org/a?b=1 there", f"see {URL} there"),
    ("at www.somewhere.net", f"at {URL}"),
    ("his page facebook.com/some.one", f"his page {URL}"),
    ("on example.net, example.io and example.info", f"on {URL}, {URL} and {URL}"),
    ("message her at t.me/someone or bit.ly/x1y2", f"message her at {URL} or {URL}"),
    ("his site jo-bloggs.co and jo.wales", f"his site {URL} and {URL}"),
    ("call 07700 900123 or 020 7946 0958", f"call {PHONE} or {PHONE}"),
    ("call 07700-900-123 or 020-7946-0958", f"call {PHONE} or {PHONE}"),
    ("call 07700–900123 (an en dash)", f"call {PHONE} (an en dash)"),
    ("call (020) 7946 0958 or (01632) 960001", f"call {PHONE} or {PHONE}"),
    ("ring +44 7700 900123 or 0800 123 456", f"ring {PHONE} or {PHONE}"),
    ("ring +44-7700-900123 or 0044 7700 900123", f"ring {PHONE} or {PHONE}"),
    ("ring +44 (0)20 7946 0958", f"ring {PHONE}"),
    ("lives at SW1A 1AA and m1 1ae", f"lives at {POSTCODE} and {POSTCODE}"),
    ("a car AB12 CDE, an old one A123 BCD", f"a car {VEHICLE}, an old one {VEHICLE}"),
    ("an older one ABC 123D, or abc123d", f"an older one {VEHICLE}, or {VEHICLE}"),
    ("plate ab12cde and a123bcd", f"plate {VEHICLE} and {VEHICLE}"),
]

ORDINARY = [
    "It took 3 months and 2 weeks.",
    "The officer was kind. I waited 45 minutes at the station.",
    "In 2024 I reported it, case 1 of 2.",
    "I was seen at 10.30, then 10:30-11:45 on 12/05/2024 and 12-05-2024.",
    "Between 2019-2020 and 2021-2022 nothing happened, e.g. no call, i.e. nothing.",
    "It was 2x worse. The bus 12a was late, on the A1 and then the M6 toll.",
    "My m8 and I were in Y11 and Q1 was hard. It was over.Then I rang.",
    "About 0.5 miles away, 1 in 4 people, 100% sure, 9/10.",
]


@pytest.mark.parametrize(("text", "expected"), REDACTED)
def test_identifying_details_are_removed(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == text


def _patterns():
    return {kind: pattern.pattern for kind, _label, pattern in redaction._COMPILED}


# (kind, what a mistaken edit would look like: a regular expression and its replacement)
PATTERN_MUTANTS = [
    ("url", r"\|net\|", "|"),  # bare .net addresses kept
    ("url", r"\|io\|", "|"),
    ("url", r"\|info\|", "|"),
    ("url", r"\|ly\|", "|"),
    ("url", re.escape(r"(?:/\S*)?"), ""),  # the path kept
    ("phone", re.escape(r"[\s\-–—]"), r"\\s"),  # only spaces between digits
    ("phone", re.escape(r"|00)"), ")"),  # 0044 not recognised
    ("phone", r"\{8,9\}", "{9}"),  # 10-digit numbers kept
    ("phone", re.escape(r"\(?0"), "0"),  # (020) kept
    ("postcode", re.escape(r"\s*"), ""),  # only postcodes without a space
    ("vehicle", re.escape(r"|[A-Z]{3}\s\d{1,3}[A-Z]"), ""),  # ABC 123D kept
    ("vehicle", re.escape(r"|[A-Z]{3}\d{1,3}[A-Z]"), ""),  # abc123d kept
    ("vehicle", re.escape(r"[A-Z]\d{1,3}\s[A-Z]{3}|"), ""),  # A123 BCD kept
    ("vehicle", re.escape(r"(?-i:"), "(?:"),  # ordinary words taken for plates
    ("email", re.escape(r"(?:\.[\w-]+)+"), ""),
]


@pytest.mark.parametrize(("kind", "find", "replace"), PATTERN_MUTANTS)
def test_every_mutant_of_the_patterns_is_caught(monkeypatch, kind, find, replace):
    patterns = _patterns()
    mutated, changes = re.subn(find, lambda _match: replace, patterns[kind], count=1)
    assert changes == 1, f"the mutant {find!r} no longer applies to the {kind} pattern"
    compiled = [
        (k, label, re.compile(mutated, re.IGNORECASE) if k == kind else pattern)
        for k, label, pattern in redaction._COMPILED
    ]
    monkeypatch.setattr(redaction, "_COMPILED", compiled)
    wrong = [text for text, expected in REDACTED if redact(text) != expected]
    wrong += [text for text in ORDINARY if redact(text) != text]
    assert wrong, f"no test text tells the {kind} pattern from its mutant"
