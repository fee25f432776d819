"""Small-number suppression, so no report says anything about fewer than five people.

A cell that describes 1 to 4 people is shown as "fewer than 5", in pages and in CSVs alike. Hiding
one cell is not enough when the table shows a total: the hidden number would be the total less the
others. So where a group (a table with its total) has exactly one hidden cell, the next smallest cell
is hidden too (secondary suppression), and a total that itself describes fewer than five people hides
the whole table. A cell describing nobody (0) says nothing about anyone and is shown.
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping

THRESHOLD = 5
FEWER = "fewer than 5"


def hidden(people: Mapping[Hashable, int], *, with_total: bool = True) -> set:
    """The keys whose cells must be hidden, given how many people each cell describes."""
    primary = {key for key, n in people.items() if 0 < n < THRESHOLD}
    total = sum(people.values())
    if with_total and 0 < total < THRESHOLD:
        return set(people)
    if with_total and len(primary) == 1:
        shown = sorted((n, str(key), key) for key, n in people.items() if key not in primary and n > 0)
        if shown:
            primary.add(shown[0][2])
    return primary


def total_hidden(people: Mapping[Hashable, int]) -> bool:
    total = sum(people.values())
    return 0 < total < THRESHOLD
