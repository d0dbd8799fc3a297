"""Redaction of details that identify people in free text, before any analyst sees it.

Respondents are asked not to include such details; some will. This removes the kinds
that can be recognised by their shape. Names and places cannot be, which is why free
text is shown only with its own permission and only for large enough groups.
"""

import re

from django.utils.translation import gettext_lazy as _

_PATTERNS = [
    # Order matters: an e-mail address contains a domain name, a URL may contain digits.
    ("email", _("[e-mail address removed]"), r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    (
        "url",
        _("[web address removed]"),
        r"\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|uk|io|info)\b(?:/\S*)?",
    ),
    (
        "phone",
        _("[phone number removed]"),
        r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|0)\d(?:[\s-]?\d){8,9}(?!\w)",
    ),
    ("postcode", _("[postcode removed]"), r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),
    (
        "vehicle",
        _("[vehicle registration removed]"),
        r"\b(?:[A-Z]{2}\d{2}\s?[A-Z]{3}|[A-Z]\d{1,3}\s?[A-Z]{3}|[A-Z]{3}\s?\d{1,3}[A-Z])\b",
    ),
]
_COMPILED = [
    (kind, label, re.compile(pattern, re.IGNORECASE)) for kind, label, pattern in _PATTERNS
]


def redact(text):
    for _kind, label, pattern in _COMPILED:
        text = pattern.sub(str(label), text)
    return text
