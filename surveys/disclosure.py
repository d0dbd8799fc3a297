"""Statistical disclosure control: the only way figures leave the database for analysts.

Rules (DESIGN.md section 4), applied the same way on screen and in exports:

1. No figure at all when the base (respondents matching every filter) is below the
   threshold (``DISCLOSURE_THRESHOLD``, default 10).
2. Primary suppression: a cell counting between 1 and threshold - 1 respondents is
   hidden and shown as "fewer than <threshold>".
3. Secondary suppression: when exactly one cell of a distribution is hidden, the next
   smallest cell is hidden too, so the hidden one cannot be worked out by subtracting
   the shown cells from the base. The same holds for the groups of a breakdown, whose
   bases could otherwise be subtracted from the overall base.
4. Shown counts and bases are rounded to the nearest 5; percentages are computed from
   the rounded figures, so they reveal nothing the rounded counts do not.
"""

from dataclasses import dataclass

ROUND_TO = 5


def round_count(count):
    """Nearest multiple of 5, halves up (2 -> 0, 3 -> 5, 12 -> 10, 13 -> 15)."""
    return (count + ROUND_TO // 2) // ROUND_TO * ROUND_TO


@dataclass(frozen=True)
class Cell:
    key: str
    count: int | None  # rounded; None when hidden
    percent: int | None  # of the rounded base; None when hidden

    @property
    def hidden(self):
        return self.count is None


@dataclass(frozen=True)
class Table:
    """One protected distribution. ``base`` is None (and there are no cells) when the
    base is below the threshold: then nothing about the group may be shown."""

    threshold: int
    base: int | None
    cells: tuple[Cell, ...] = ()

    @property
    def suppressed(self):
        return self.base is None


def _suppressed(sizes, threshold):
    """Keys to hide: every size from 1 to threshold - 1, and, when that is exactly one,
    a partner: the smallest other non-zero size (a zero only if there is no other), so
    the hidden one cannot be recovered by subtraction. Zeros alone disclose no one."""
    hidden = {key for key, size in sizes.items() if 0 < size < threshold}
    if len(hidden) == 1:
        others = sorted((size == 0, size, key) for key, size in sizes.items() if key not in hidden)
        if others:
            hidden.add(others[0][2])
    return hidden


def protect(counts, base, threshold):
    """Protect one distribution: ``counts`` maps each answer (in display order) to the
    number of respondents who gave it, ``base`` is how many respondents it is out of."""
    if base < threshold:
        return Table(threshold=threshold, base=None)
    hidden = _suppressed(counts, threshold)
    shown_base = round_count(base)
    cells = []
    for key, count in counts.items():
        if key in hidden:
            cells.append(Cell(key, None, None))
        else:
            rounded = round_count(count)
            cells.append(Cell(key, rounded, round(100 * rounded / shown_base)))
    return Table(threshold=threshold, base=shown_base, cells=tuple(cells))


def protect_breakdown(groups, threshold):
    """Protect a breakdown: ``groups`` maps each group (say, each age band) to its
    (counts, base). A group whose base is below the threshold is suppressed whole; if
    exactly one group is, the next smallest is too, so that subtracting the shown groups
    from the overall figures cannot recover it. (A group of nobody is suppressed too but,
    disclosing no one, needs no partner.)"""
    hidden = _suppressed({group: base for group, (_counts, base) in groups.items()}, threshold)
    return {
        group: Table(threshold=threshold, base=None)
        if group in hidden
        else protect(counts, base, threshold)
        for group, (counts, base) in groups.items()
    }
