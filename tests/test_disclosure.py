"""surveys.disclosure on its own: thresholds, suppression, rounding, breakdowns, and
property tests that no shown figure gives away a hidden small cell."""

from hypothesis import given
from hypothesis import strategies as st

from surveys.disclosure import protect, protect_breakdown, round_count

T = 10


def _shown(table):
    return {cell.key: cell.count for cell in table.cells if not cell.hidden}


def test_rounding_is_to_the_nearest_five_halves_up():
    assert [round_count(n) for n in [0, 2, 3, 7, 8, 10, 12, 13, 1002]] == [
        0, 0, 5, 5, 10, 10, 10, 15, 1000,
    ]  # fmt: skip


def test_nothing_is_shown_below_the_threshold():
    table = protect({"yes": 5, "no": 4}, base=9, threshold=T)
    assert table.suppressed
    assert table.base is None
    assert table.cells == ()


def test_an_empty_base_shows_nothing():
    assert protect({"yes": 0, "no": 0}, base=0, threshold=T).suppressed


def test_large_cells_are_rounded_and_percentages_come_from_rounded_figures():
    table = protect({"yes": 62, "no": 38}, base=100, threshold=T)
    assert table.base == 100
    assert [(c.key, c.count, c.percent) for c in table.cells] == [("yes", 60, 60), ("no", 40, 40)]
    table = protect({"yes": 12, "no": 11}, base=23, threshold=T)
    assert table.base == 25
    assert [(c.count, c.percent) for c in table.cells] == [(10, 40), (10, 40)]


def test_a_small_cell_is_hidden_with_the_next_smallest():
    table = protect({"a": 50, "b": 3, "c": 20, "d": 30}, base=103, threshold=T)
    assert _shown(table) == {"a": 50, "d": 30}
    assert [c.key for c in table.cells if c.hidden] == ["b", "c"]


def test_two_small_cells_need_no_partner():
    table = protect({"a": 50, "b": 3, "c": 4, "d": 30}, base=87, threshold=T)
    assert _shown(table) == {"a": 50, "d": 30}


def test_zeros_are_shown_and_are_not_used_as_partners():
    table = protect({"a": 50, "b": 0, "c": 4, "d": 30}, base=84, threshold=T)
    assert _shown(table) == {"a": 50, "b": 0}


def test_breakdown_hides_small_groups_and_a_partner():
    groups = {
        "18_24": ({"yes": 30, "no": 20}, 50),
        "25_34": ({"yes": 10, "no": 14}, 24),
        "65_plus": ({"yes": 2, "no": 3}, 5),
        "prefer_not": ({"yes": 0, "no": 0}, 0),
    }
    tables = protect_breakdown(groups, threshold=T)
    assert tables["18_24"].base == 50
    assert tables["65_plus"].suppressed
    assert tables["25_34"].suppressed  # the partner: the smallest other group
    assert tables["prefer_not"].suppressed


counts = st.dictionaries(
    st.sampled_from(list("abcdefgh")), st.integers(min_value=0, max_value=60), min_size=1
)
thresholds = st.integers(min_value=5, max_value=20)


@given(counts, thresholds)
def test_property_no_small_cell_is_shown_or_recoverable(cells, threshold):
    base = sum(cells.values())  # a single-choice question: cells add up to the base
    table = protect(cells, base, threshold)
    if base < threshold:
        assert table.suppressed
        return
    hidden = [cell for cell in table.cells if cell.hidden]
    # Never exactly one hidden cell: what subtraction recovers is shared by two or more.
    assert len(hidden) != 1
    for cell in table.cells:
        if not cell.hidden:
            true = cells[cell.key]
            assert true == 0 or true >= threshold
            assert cell.count % 5 == 0
            assert abs(cell.count - true) <= 2


@given(
    st.dictionaries(st.sampled_from(list("pqrstu")), st.integers(0, 40), min_size=1), thresholds
)
def test_property_breakdown_never_leaves_one_small_group_alone(bases, threshold):
    groups = {group: ({"x": base}, base) for group, base in bases.items()}
    tables = protect_breakdown(groups, threshold)
    small = [g for g, base in bases.items() if 0 < base < threshold]
    hidden_nonzero = [g for g, t in tables.items() if t.suppressed and bases[g] > 0]
    for group in small:
        assert tables[group].suppressed
    if small:
        others = [g for g in bases if g not in small and bases[g] > 0]
        assert len(hidden_nonzero) >= 2 or not others


def test_a_lone_hidden_cell_across_groups_gets_a_partner_in_another_group():
    groups = {
        "a": ({"yes": 40, "no": 3, "maybe": 2}, 45),
        "b": ({"yes": 30, "no": 20, "maybe": 25}, 75),
        "c": ({"yes": 50, "no": 15, "maybe": 30}, 95),
    }
    tables = protect_breakdown(groups, threshold=T)
    hidden = {g: {c.key for c in t.cells if c.hidden} for g, t in tables.items()}
    assert hidden["a"] == {"no", "maybe"}
    # "no" and "maybe" are each hidden in one group only: a partner per column, and
    # then those rows have two hidden cells each.
    assert hidden["c"] == {"no", "maybe"} or hidden["b"] == {"no", "maybe"}


grids = st.dictionaries(
    st.sampled_from(["g1", "g2", "g3", "g4"]),
    st.fixed_dictionaries({k: st.integers(0, 30) for k in ["x", "y", "z"]}),
    min_size=1,
)


@given(grids, thresholds)
def test_property_breakdown_has_no_lone_hidden_cell_in_any_row_or_column(grid, threshold):
    groups = {g: (counts, sum(counts.values())) for g, counts in grid.items()}
    tables = protect_breakdown(groups, threshold)
    shown = {g: t for g, t in tables.items() if not t.suppressed}
    for group, table in shown.items():
        hidden = [c.key for c in table.cells if c.hidden]
        assert len(hidden) != 1 or len(table.cells) == 1
        for cell in table.cells:
            if not cell.hidden:
                assert grid[group][cell.key] == 0 or grid[group][cell.key] >= threshold
    for key in ["x", "y", "z"]:
        column = [g for g, t in shown.items() for c in t.cells if c.key == key and c.hidden]
        assert len(column) != 1 or len(shown) == 1
