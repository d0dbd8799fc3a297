"""Statistical disclosure control: the only way figures leave the database for analysts.

The rules and their reasons are in docs/disclosure.md. In the order they apply, to one
table (the answers to one question among the respondents matching the filters):

1. Decide what may be shown, from the true counts. Nothing is shown when fewer than the
   threshold (``DISCLOSURE_THRESHOLD``, default 10) answered, or when all but fewer
   than the threshold gave the same answer (dominance): the table is withheld whole.
   Otherwise a cell counting 1 to threshold - 1 is hidden, and so is a 0 in a table
   under SMALL_TABLE answers.
2. Perturb every figure shown, totals included, with the cell-key method: a cell's key
   is the sum of its respondents' secret record keys (surveys.models.RECORD_KEYS), and
   a fixed table gives the noise for its count and key, so the same respondents always
   get the same noise. Zeros stay 0.
3. Round to the nearest 5 (never below the smallest multiple of 5 from the threshold).
4. Percentages come from the published figures.
"""

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

from surveys.models import RECORD_KEYS, Count

ROUND_TO = 5
# Below this many answers, a table is about a small group (a force over a few months,
# say) whose members a reader may know of: a 0 there would say what none of them
# answered, so it is hidden like a small count (docs/disclosure.md, "Zeros").
SMALL_TABLE = 100

# The perturbation table's rows: how many of the RECORD_KEYS cell keys give each noise.
# Counts under twice the threshold are perturbed more often (30%) than larger ones
# (14%), as they are the ones differencing could bring near a person. Public: a cell's
# noise is secret because its key is (docs/disclosure.md, "The perturbation table").
NOISE_NEAR_THRESHOLD = {0: 180, 1: 20, -1: 20, 2: 10, -2: 10, 3: 4, -3: 4, 4: 4, -4: 4}
NOISE_LARGE = {0: 220, 1: 10, -1: 10, 2: 5, -2: 5, 3: 2, -3: 2, 4: 1, -4: 1}
MAX_NOISE = 4
# How far a published count may be from the true one: noise, then rounding.
MAX_ERROR = MAX_NOISE + ROUND_TO // 2

# A row of the perturbation table: the noise for each cell key, 0 to RECORD_KEYS - 1.
type Row = tuple[int, ...]


def _variance(noise: Mapping[int, int]) -> float:
    return sum(change * change * share for change, share in noise.items()) / sum(noise.values())


# What noise and rounding add to a published count's variance, at most (the noisier
# row, and rounding to ROUND_TO, even over its ROUND_TO outcomes): for telling a real
# change between published shares from one they could make.
PUBLISHED_VARIANCE = _variance(NOISE_NEAR_THRESHOLD) + (ROUND_TO * ROUND_TO - 1) / 12


def _row(noise: Mapping[int, int], value: int) -> Row:
    """One row of the table: the noise for each cell key, laid out in an order of the
    row's own, so that neighbouring keys and neighbouring counts are unrelated."""
    keys = [change for change, share in sorted(noise.items()) for _ in range(share)]
    if len(keys) != RECORD_KEYS:
        raise ValueError("A row of the perturbation table must give every cell key a noise.")
    random.Random(value).shuffle(keys)  # noqa: S311 - a public, fixed layout, not a secret
    return tuple(keys)


def perturbation_table(threshold: int) -> dict[int, Row]:
    """Noise by count (threshold to twice the threshold; the last row serves every
    larger count) and cell key."""
    return {
        value: _row(NOISE_NEAR_THRESHOLD if value < 2 * threshold else NOISE_LARGE, value)
        for value in range(threshold, 2 * threshold + 1)
    }


_TABLES: dict[int, dict[int, Row]] = {}


def noise(count: Count, threshold: int) -> int:
    """The noise the table gives a count of at least the threshold, by its cell key."""
    table = _TABLES.get(threshold) or _TABLES.setdefault(threshold, perturbation_table(threshold))
    return table[min(count.n, 2 * threshold)][count.key]


def round_count(value: int) -> int:
    """Nearest multiple of 5, halves up (2 -> 0, 3 -> 5, 12 -> 10, 13 -> 15)."""
    return (value + ROUND_TO // 2) // ROUND_TO * ROUND_TO


def smallest_shown(threshold: int) -> int:
    """The smallest figure ever published for a count: the threshold, rounded up to 5."""
    return math.ceil(threshold / ROUND_TO) * ROUND_TO


def publish(count: Count, threshold: int) -> int:
    """A count that may be shown (0, or at least the threshold), perturbed and rounded."""
    if count.n == 0:
        return 0
    if count.n < threshold:
        raise ValueError("Decide what may be shown before perturbing: this count may not be.")
    return max(round_count(count.n + noise(count, threshold)), smallest_shown(threshold))


def percent(part: int, whole: int) -> int:
    """A published figure as a share of another, from the published figures alone:
    noise on both can take a part past its whole, which shows as 100%."""
    return min(round(100 * part / whole), 100)


@dataclass(frozen=True)
class Cell:
    key: str
    count: int | None  # published; None when hidden
    percent: int | None  # of the published base; None when hidden

    @property
    def hidden(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class Table:
    """One protected distribution. ``base`` is None (and there are no cells) when the
    table is withheld: then nothing about it may be shown."""

    threshold: int
    base: int | None
    cells: tuple[Cell, ...] = ()

    @property
    def suppressed(self) -> bool:
        return self.base is None


def withheld(counts: Mapping[str, Count], answered: Count, threshold: int) -> bool:
    """Whether a table may not be shown at all: too few answered, or all but too few
    gave one answer."""
    largest = max((count.n for count in counts.values()), default=0)
    return answered.n < threshold or answered.n - largest < threshold


def hidden(count: Count, answered: Count, threshold: int) -> bool:
    """Whether one cell of a table that is shown is hidden."""
    return 0 < count.n < threshold or (count.n == 0 and answered.n < SMALL_TABLE)


def protect(counts: Mapping[str, Count], answered: Count, threshold: int) -> Table:
    """Protect one distribution: ``counts`` maps each answer (in display order) to the
    Count of respondents who gave it, ``answered`` is the Count it is out of."""
    if withheld(counts, answered, threshold):
        return Table(threshold=threshold, base=None)
    base = publish(answered, threshold)
    cells: list[Cell] = []
    for key, count in counts.items():
        if hidden(count, answered, threshold):
            cells.append(Cell(key, None, None))
        else:
            shown = publish(count, threshold)
            cells.append(Cell(key, shown, percent(shown, base)))
    return Table(threshold=threshold, base=base, cells=tuple(cells))


def publish_base(base: Count, threshold: int) -> int | None:
    """A group's size (say, the respondents matching the filters), or None when it is
    under the threshold and nothing about the group may be shown."""
    return None if base.n < threshold else publish(base, threshold)
