"""Where a follower of the change record stands, and how that position moves.

The change record (``search_changes_log``) is append-only with an autoincrement id. Every follower
(each node's Whoosh index, the shared PostgreSQL documents) keeps a small state:

- ``position``: every id at or below it has been applied (or given up on, see below);
- ``above``: ids above ``position`` already applied;
- ``waiting_since``: when (Unix time) the lowest id above ``position`` was first found missing.

The gap problem: ids are handed out when a row is inserted, but become visible when its
transaction commits, so a lower id can appear after a higher one. A follower that simply kept
"the highest id applied" would skip it for ever. Decision: apply every visible row above
``position`` that is not in ``above``, and move ``position`` only over contiguous ids. A gap is
waited for up to ``GAP_WAIT`` seconds (an id whose transaction rolled back never appears; nor
does one a PostgreSQL sequence skipped), then stepped over. The cost is re-reading the few rows
above the gap at each catch-up. A transaction that takes longer than ``GAP_WAIT`` between
writing its change row and committing could be missed: ``flask catalogue reindex --check``
reports such a difference and ``sync``/``reindex`` repair it. On SQLite writers are serialised, so
gaps only come from rollbacks.
"""
from __future__ import annotations

GAP_WAIT = 30.0  # seconds a missing id is waited for before the position steps over it


def fresh(position: int = 0, above=()) -> dict:
    return {"position": int(position), "above": sorted(set(above)), "waiting_since": None}


def unapplied(state: dict, ids) -> list[int]:
    """Of ``ids`` (visible change rows above the position), those not applied yet."""
    done = set(state["above"])
    return [i for i in ids if i > state["position"] and i not in done]


def advance(state: dict, applied, now: float, gap_wait: float = GAP_WAIT) -> dict:
    """The state after applying ``applied`` ids at time ``now``."""
    position = state["position"]
    above = set(state["above"]) | {i for i in applied if i > position}
    waiting_since = state.get("waiting_since")
    while True:
        while position + 1 in above:
            position += 1
            above.discard(position)
        if not above:
            waiting_since = None
            break
        if waiting_since is None:
            waiting_since = now
            break
        if now - waiting_since < gap_wait:
            break
        position = min(above) - 1  # the gap waited long enough: step over it
        waiting_since = None
    return {"position": position, "above": sorted(above), "waiting_since": waiting_since}
