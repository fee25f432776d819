"""The reference the ledger tests compare against: balances worked out by walking the entries one
by one, as a person would, rather than by the ledger's grouped query."""
from __future__ import annotations

from marketplace.budgets.ledger import Balances


def replay(entries) -> Balances:
    result = Balances()
    for entry in entries:
        result.apply(entry.kind, entry.pot, entry.amount_pence)
    return result
