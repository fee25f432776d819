"""Small-number suppression: no figure describes 1 to 4 people, and none can be worked out from a total."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from marketplace.reports.privacy import FEWER, hidden
from marketplace.reports.tables import Column, Table


def table(counts: dict[str, int], *, total: bool = True) -> Table:
    rows = [{"label": k, "holders": n, "people": n} for k, n in counts.items()]
    everyone = sum(counts.values())
    return Table("t", "T", [Column("label", "Label"), Column("holders", "Holders", "count")], rows,
                 total={"label": "All", "holders": everyone, "people": everyone} if total else None).protect()


def shown(t: Table) -> dict[str, str]:
    return {row["label"]: t.shown(row, t.columns[1]) for row in t.rows}


def test_a_cell_of_fewer_than_five_is_hidden_and_so_is_the_next_smallest_beside_a_total():
    """The differencing case: with SK1 = 3 hidden alone, 40 - 20 - 17 would give it away; so SK3 (17) goes too."""
    t = table({"SK1": 3, "SK2": 20, "SK3": 17})
    assert shown(t) == {"SK1": FEWER, "SK2": "20", "SK3": FEWER}
    assert t.shown(t.total, t.columns[1]) == "40"


def test_two_hidden_cells_need_no_third():
    t = table({"SK1": 3, "SK2": 4, "SK3": 17, "SK4": 30})
    assert shown(t) == {"SK1": FEWER, "SK2": FEWER, "SK3": "17", "SK4": "30"}


def test_zero_describes_nobody_and_is_shown():
    assert shown(table({"SK1": 0, "SK2": 20, "SK3": 30})) == {"SK1": "0", "SK2": "20", "SK3": "30"}


def test_a_total_of_fewer_than_five_hides_everything():
    t = table({"SK1": 1, "SK2": 2})
    assert shown(t) == {"SK1": FEWER, "SK2": FEWER} and t.shown(t.total, t.columns[1]) == FEWER


def test_without_a_total_one_hidden_cell_is_enough():
    assert shown(table({"SK1": 3, "SK2": 20, "SK3": 17}, total=False)) == {"SK1": FEWER, "SK2": "20", "SK3": "17"}


@given(st.dictionaries(st.sampled_from([f"SK{n}" for n in range(1, 9)]), st.integers(0, 40), min_size=1))
def test_no_hidden_cell_can_be_recovered_from_the_total_and_the_shown_cells(counts):
    gone = hidden(counts)
    assert all(counts[k] == 0 or counts[k] >= 5 for k in counts if k not in gone)  # nothing small is shown
    small_hidden = [k for k in gone if 0 < counts[k] < 5]
    if small_hidden and sum(counts.values()) >= 5:
        assert len(gone) >= 2  # the total less the shown cells is the sum of at least two hidden ones
