"""surveys.disclosure on its own: what may be shown (threshold, zeros, dominance), the
cell-key perturbation and rounding, and property tests of the rules
(docs/disclosure.md)."""

import dataclasses
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.disclosure import (
    MAX_ERROR,
    MAX_NOISE,
    SMALL_TABLE,
    _row,
    noise,
    percent,
    perturbation_table,
    protect,
    publish,
    publish_base,
    round_count,
    smallest_shown,
)
from surveys.models import RECORD_KEYS, Count

T = 10


def _table(counts, answered=None, key=7):
    """protect() with every cell given cell key ``key``."""
    answered = sum(counts.values()) if answered is None else answered
    cells = {name: Count(n, key) for name, n in counts.items()}
    return protect(cells, Count(answered, key), T)


def _shown(table):
    return {cell.key: cell.count for cell in table.cells if not cell.hidden}


def test_rounding_is_to_the_nearest_five_halves_up():
    rounded = [round_count(n) for n in [0, 2, 3, 7, 8, 10, 12, 13, 1002]]
    assert rounded == [0, 0, 5, 5, 10, 10, 10, 15, 1000]
    assert {type(n) for n in rounded} == {int}  # never 15.0 in a page or a CSV


def test_the_documented_parameters():
    """docs/disclosure.md states these; a change is a change to the method."""
    assert (SMALL_TABLE, MAX_NOISE, MAX_ERROR) == (100, 4, 6)


def test_a_published_count_is_its_true_count_plus_the_tables_noise_rounded():
    """Recounted independently of publish(): the table's noise for the count and key,
    added (not subtracted), then rounded, never below the smallest figure shown."""
    table = perturbation_table(T)
    for n in [T, T + 3, 2 * T - 1, 37, 400]:
        for key in range(RECORD_KEYS):
            expected = max(5 * round((n + table[min(n, 2 * T)][key]) / 5), 10)
            assert publish(Count(n, key), T) == expected, (n, key)


def test_nothing_shown_is_below_the_threshold_rounded_up_to_five():
    assert [smallest_shown(t) for t in [5, 10, 11, 12, 15, 16]] == [5, 10, 15, 15, 15, 20]
    for key in range(RECORD_KEYS):
        assert publish(Count(12, key), 12) >= 15


def test_nothing_is_shown_below_the_threshold():
    table = _table({"yes": 5, "no": 4})
    assert table.suppressed
    assert table.base is None
    assert table.cells == ()


def test_a_group_of_exactly_the_threshold_is_shown_and_one_fewer_is_not():
    for key in range(RECORD_KEYS):
        assert publish_base(Count(T, key), T) >= T
        assert publish_base(Count(T - 1, key), T) is None
        assert publish_base(Count(T + 1, key), T) >= T
        assert abs(publish_base(Count(500, key), T) - 500) <= MAX_ERROR
    assert not _table({"yes": T, "no": T}).suppressed  # all but the largest: exactly T
    assert _shown(_table({"yes": T, "no": T})).keys() == {"yes", "no"}
    assert _table({"yes": T, "no": T - 1}).suppressed
    edge = _table({"a": 150, "b": T, "c": T - 1})
    assert "b" in _shown(edge)
    assert "c" not in _shown(edge)


def test_an_empty_base_shows_nothing():
    assert _table({"yes": 0, "no": 0}).suppressed


def test_a_table_where_nearly_everyone_gave_one_answer_is_withheld():
    # A group of 11 who all said "never": showing it would say what each of them said.
    assert _table({"never": 11, "always": 0}).suppressed
    assert _table({"never": 200, "always": 9}).suppressed  # 209 - 200 < 10
    assert not _table({"never": 200, "always": 10}).suppressed


def test_small_cells_are_hidden_and_zeros_too_in_a_small_table():
    small = _table({"a": 30, "b": 3, "c": 0, "d": 20})
    assert [c.key for c in small.cells if c.hidden] == ["b", "c"]
    large = _table({"a": 300, "b": 3, "c": 0, "d": 200})
    assert [c.key for c in large.cells if c.hidden] == ["b"]
    assert _shown(large)["c"] == 0  # zeros are never perturbed


def test_the_size_of_a_small_table_is_where_zeros_start_to_show():
    assert "c" not in _shown(_table({"a": 50, "b": SMALL_TABLE - 51, "c": 0}))
    assert _shown(_table({"a": 50, "b": SMALL_TABLE - 50, "c": 0}))["c"] == 0


def test_percentages_come_from_the_published_figures():
    table = _table({"yes": 620, "no": 380})
    base = table.base
    for cell in table.cells:
        assert cell.percent == min(round(100 * cell.count / base), 100)


def test_a_part_past_its_whole_shows_as_100_percent():
    assert [percent(part, 200) for part in [0, 1, 99, 199, 200, 210]] == [0, 0, 50, 100, 100, 100]


def test_the_same_respondents_always_get_the_same_noise():
    # Same count, same cell key: same figure, however often and wherever it is asked.
    assert {publish(Count(37, 201), T) for _ in range(5)} == {publish(Count(37, 201), T)}


def test_the_table_perturbs_about_one_cell_in_seven_and_near_the_threshold_more():
    table = perturbation_table(T)
    large = Counter(table[2 * T])
    assert large[0] == 220  # of 256 cell keys: 14% perturbed
    for near in [table[T], table[2 * T - 1]]:
        assert Counter(near)[0] == 180  # 30% perturbed near the threshold
    for row in table.values():
        assert len(row) == RECORD_KEYS
        assert max(abs(change) for change in row) == MAX_NOISE
        assert sum(row) == 0  # unbiased


@pytest.mark.parametrize("keys", [RECORD_KEYS - 1, RECORD_KEYS + 1])
def test_a_row_of_the_table_must_give_every_cell_key_one_noise(keys):
    with pytest.raises(ValueError, match="every cell key"):
        _row({0: keys}, T)


def test_a_protected_table_cannot_be_changed_afterwards():
    table = _table({"yes": 60, "no": 40})
    with pytest.raises(dataclasses.FrozenInstanceError):
        table.base = 7
    with pytest.raises(dataclasses.FrozenInstanceError):
        table.cells[0].count = 7


def test_noise_is_unrelated_from_one_count_to_the_next():
    table = perturbation_table(T)
    assert table[T] != table[T + 1]


def test_perturbation_changes_published_figures_for_some_cell_keys():
    published = {publish(Count(40, key), T) for key in range(RECORD_KEYS)}
    assert published == {35, 40, 45}  # 40 +- 4, rounded to 5


def test_a_figure_shown_is_never_below_the_threshold():
    for key in range(RECORD_KEYS):
        assert publish(Count(T, key), T) >= T


counts = st.dictionaries(
    st.sampled_from(list("abcdefgh")), st.integers(min_value=0, max_value=200), min_size=1
)
keys = st.integers(0, RECORD_KEYS - 1)
thresholds = st.integers(min_value=5, max_value=20)


@given(counts, st.dictionaries(st.sampled_from(list("abcdefgh")), keys), keys, thresholds)
def test_property_what_is_shown_follows_the_rules(cells, cell_keys, base_key, threshold):
    answered = sum(cells.values())  # a single-choice question: cells add up
    given_cells = {name: Count(n, cell_keys.get(name, 0)) for name, n in cells.items()}
    table = protect(given_cells, Count(answered, base_key), threshold)
    if answered < threshold or answered - max(cells.values()) < threshold:
        assert table.suppressed
        return
    assert abs(table.base - answered) <= MAX_ERROR
    for cell in table.cells:
        true = cells[cell.key]
        if cell.hidden:
            assert 0 < true < threshold or (true == 0 and answered < SMALL_TABLE)
            continue
        assert true == 0 or true >= threshold  # nothing small is ever shown
        assert cell.count % 5 == 0
        assert abs(cell.count - true) <= MAX_ERROR
        assert cell.count == 0 or cell.count >= threshold
        assert cell.percent == min(round(100 * cell.count / table.base), 100)


@given(st.integers(10, 500), keys)
def test_property_noise_is_bounded_and_only_the_key_chooses_it(count, key):
    change = noise(Count(count, key), T)
    assert abs(change) <= MAX_NOISE
    assert noise(Count(count, key), T) == change
