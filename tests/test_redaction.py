"""Free-text redaction of e-mail addresses, phone numbers, postcodes, URLs and vehicle
registrations."""

import pytest

from surveys.redaction import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to jo.bloggs+x@mail.example.co.uk now", "write to [e-mail address removed] now"),
        ("see https://example.org/a?b=1 there", "see [web address removed] there"),
        ("at www.somewhere.net", "at [web address removed]"),
        ("his page facebook.com/some.one", "his page [web address removed]"),
        (
            "call 07700 900123 or 020 7946 0958",
            "call [phone number removed] or [phone number removed]",
        ),
        ("ring +44 7700 900123", "ring [phone number removed]"),
        ("ring +44 (0)20 7946 0958", "ring [phone number removed]"),
        ("lives at SW1A 1AA and m1 1ae", "lives at [postcode removed] and [postcode removed]"),
        (
            "a car AB12 CDE, an old one A123 BCD",
            "a car [vehicle registration removed], an old one [vehicle registration removed]",
        ),
    ],
)
def test_identifying_details_are_removed(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "It took 3 months and 2 weeks.",
        "The officer was kind. I waited 45 minutes at the station.",
        "In 2024 I reported it, case 1 of 2.",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == text
