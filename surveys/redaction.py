"""Redaction of details that identify people in free text, before any analyst sees it.

Respondents are asked not to include such details; some will. This removes the kinds
that can be recognised by their shape. Names and places cannot be, which is why free
text is shown only with its own permission and only for large enough groups.

Each pattern errs towards removing too much, within reason: a phone number may be
written with spaces, hyphens or dashes, and a web address need not start with "www".
What it must not take is ordinary writing: times, dates, "2x", "the A1", "Year 11".
tests/test_redaction.py holds examples of both, and mutants of these patterns.
"""

import re

from django.utils.translation import gettext_lazy as _

# Bare domain names are recognised by these endings; with http(s):// or www. any is.
_DOMAIN_ENDINGS = "com|org|net|uk|io|info|ly|me|co|tv|app|biz|ie|eu|wales|cymru|scot|london"
# What people put between a phone number's digits: spaces, hyphens, en and em dashes.
_GAP = r"[\s\-–—]"

_PATTERNS = [
    # Order matters: an e-mail address contains a domain name, a URL may contain digits.
    ("email", _("[e-mail address removed]"), r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    (
        "url",
        _("[web address removed]"),
        rf"\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:{_DOMAIN_ENDINGS})\b(?:/\S*)?",
    ),
    (
        # A UK number: 0 and 9 or 10 digits, the area code perhaps in brackets; or
        # +44 or 0044 and 9 or 10 digits, perhaps with the 0 in brackets.
        "phone",
        _("[phone number removed]"),
        rf"(?<![\w+])(?:(?:\+|00)44{_GAP}?(?:\(0\){_GAP}?)?|\(?0)"
        rf"\d(?:\)?{_GAP}?\d){{8,9}}(?!\w)",
    ),
    ("postcode", _("[postcode removed]"), r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),
    (
        # Current (AB12 CDE), prefix (A123 BCD) and suffix (ABC 123D) registrations,
        # in any case when written as one word; written with a space, the prefix and
        # suffix kinds only in capitals, as "the A1 and" or "was 2x" is ordinary writing.
        "vehicle",
        _("[vehicle registration removed]"),
        r"\b(?:[A-Z]{2}\d{2}\s?[A-Z]{3}|[A-Z]\d{1,3}[A-Z]{3}|[A-Z]{3}\d{1,3}[A-Z]"
        r"|(?-i:[A-Z]\d{1,3}\s[A-Z]{3}|[A-Z]{3}\s\d{1,3}[A-Z]))\b",
    ),
]
_COMPILED = [
    (kind, label, re.compile(pattern, re.IGNORECASE)) for kind, label, pattern in _PATTERNS
]


def redact(text: str) -> str:
    for _kind, label, pattern in _COMPILED:
        text = pattern.sub(str(label), text)
    return text
