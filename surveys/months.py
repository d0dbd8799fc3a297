"""Month arithmetic: responses carry only the month they were submitted in (its first
day), so periods, retention and synthetic data all count in whole months."""

from datetime import date


def shift(month: date, count: int) -> date:
    """The first day of the month ``count`` months after ``month`` (before, if negative)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def quarter_key(month: date) -> str:
    """The quarter a month falls in, as periods name it: "2026-Q3"."""
    return f"{month.year}-Q{(month.month - 1) // 3 + 1}"


def quarter_start(month: date) -> date:
    """The first day of the quarter a month (its first day) falls in."""
    return shift(month, -((month.month - 1) % 3))
