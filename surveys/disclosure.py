"""Statistical disclosure control: the only way figures leave the database for analysts.

Rules (DESIGN.md section 4), applied the same way on screen and in exports:

1. No figure at all when the base (respondents matching every filter) is below the
   threshold (``DISCLOSURE_THRESHOLD``, default 10).
2. Primary suppression: a cell counting between 1 and threshold - 1 respondents is
   hidden and shown as "fewer than <threshold>".
3. Secondary suppression: when exactly one cell of a distribution is hidden, the next
   smallest cell is hidden too, so the hidden one cannot be worked out by subtracting
   the shown cells from the base. In a breakdown the same holds for whole groups, and
   for each answer across the groups, whose cells add up to the overall figure.
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


def _partner(sizes, hidden):
    """The key to hide beside a lone hidden one: the smallest other non-zero size (a
    zero only if there is no other), or None if there is nothing else to hide."""
    others = sorted((size == 0, size, key) for key, size in sizes.items() if key not in hidden)
    return others[0][2] if others else None


def _suppressed(sizes, threshold):
    """Keys to hide: every size from 1 to threshold - 1 and, when that is exactly one,
    a partner, so the hidden one cannot be recovered by subtraction. Zeros alone
    disclose no one."""
    hidden = {key for key, size in sizes.items() if 0 < size < threshold}
    if len(hidden) == 1 and (partner := _partner(sizes, hidden)) is not None:
        hidden.add(partner)
    return hidden


def _table(counts, base, hidden, threshold):
    shown_base = round_count(base)
    cells = []
    for key, count in counts.items():
        if key in hidden:
            cells.append(Cell(key, None, None))
        else:
            rounded = round_count(count)
            cells.append(Cell(key, rounded, round(100 * rounded / shown_base)))
    return Table(threshold=threshold, base=shown_base, cells=tuple(cells))


def protect(counts, base, threshold):
    """Protect one distribution: ``counts`` maps each answer (in display order) to the
    number of respondents who gave it, ``base`` is how many respondents it is out of."""
    if base < threshold:
        return Table(threshold=threshold, base=None)
    return _table(counts, base, _suppressed(counts, threshold), threshold)


def protect_breakdown(groups, threshold):
    """Protect a breakdown: ``groups`` maps each group (say, each age band) to its
    (counts, base) for one question.

    A group whose base is below the threshold is suppressed whole, with a partner group
    if it is the only one, so that subtracting the shown groups from the overall figures
    cannot recover it. Within the groups shown, the lone-hidden-cell rule applies both
    along each group and across the groups for each answer (the overall table is a sum
    of the groups), repeated until no row or column has exactly one hidden cell.
    """
    small = _suppressed({group: base for group, (_counts, base) in groups.items()}, threshold)
    shown = {
        group: counts
        for group, (counts, base) in groups.items()
        if group not in small and base >= threshold
    }
    hidden = {
        group: {key for key, count in counts.items() if 0 < count < threshold}
        for group, counts in shown.items()
    }
    keys = {key for counts in shown.values() for key in counts}
    changed = True
    while changed:
        changed = False
        for group, counts in shown.items():
            if len(hidden[group]) == 1 and (key := _partner(counts, hidden[group])) is not None:
                hidden[group].add(key)
                changed = True
        for key in keys:
            column = {group: counts.get(key, 0) for group, counts in shown.items()}
            lone = {group for group in column if key in hidden[group]}
            if len(lone) == 1 and (group := _partner(column, lone)) is not None:
                hidden[group].add(key)
                changed = True
    return {
        group: _table(shown[group], base, hidden[group], threshold)
        if group in shown
        else Table(threshold=threshold, base=None)
        for group, (_counts, base) in groups.items()
    }
