"""Working out one statement from ledger entries: pure arithmetic, no database.

The balance on a statement is the money held: everything received, less what was paid out,
spent outside the marketplace or returned to the council. Money promised to providers is still
held (it has not left), so it is shown beside the balance as "promised", not taken from it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..budgets.models import ENTRY_EFFECTS

# Each kind's effect on the money held and on the money promised, per unit of amount.
HELD = {kind: available + committed for kind, (available, committed, _spent) in ENTRY_EFFECTS.items()}
PROMISED = {kind: committed for kind, (_available, committed, _spent) in ENTRY_EFFECTS.items()}

SECTIONS = {"in": "Money in", "out": "Money out", "earlier": "Corrections to earlier months"}
NO_POT = "Not set aside for an outcome"


@dataclass(frozen=True)
class Entry:
    """What a statement needs of a ledger entry."""

    id: int
    kind: str
    amount: int
    pot: str | None
    outcome_key: str | None
    effective_on: date
    cause_type: str | None = None
    cause_id: int | None = None
    memo: str | None = None


@dataclass
class PotFigures:
    pot: str | None
    label: str
    opening: int = 0
    money_in: int = 0
    money_out: int = 0
    committed: int = 0

    @property
    def closing(self) -> int:
        return self.opening + self.money_in - self.money_out


@dataclass
class LineDraft:
    section: str
    kind: str
    label: str
    provider: str | None
    category: str | None
    outcome: str | None
    dated_on: date | None
    amount: int


@dataclass
class Draft:
    """A statement before it is issued. ``figures`` are the columns of the statements row."""

    figures: dict[str, int]
    lines: list[LineDraft] = field(default_factory=list)
    pots: list[PotFigures] = field(default_factory=list)


def _label(entry: Entry, provider: str | None) -> str:
    if entry.kind == "funding":
        return "Council funding"
    if entry.kind == "contribution":
        return "Your own contribution"
    if entry.kind == "payment":
        return f"Paid to {provider}" if provider else "Paid to a provider"
    if entry.kind == "credit":
        return f"Credit from {provider}" if provider else "Credit from a provider"
    if entry.kind == "clawback":
        return "Returned to the council"
    if entry.kind == "external_spend":
        return f"Spent outside the marketplace: {entry.memo}" if entry.memo else "Spent outside the marketplace"
    if entry.kind == "adjustment":
        return f"Correction by the council: {entry.memo}" if entry.memo else "Correction by the council"
    return entry.kind


def draft(opening: dict[str | None, tuple[int, int]], entries: list[Entry], *, month_start: date, earmarked: bool,
          words: dict[str, str], details: dict[tuple[str, int], tuple[str, dict[str | None, str]]]) -> Draft:
    """The statement's figures, lines and pots.

    ``opening``: pot -> (money held, money promised) at the start, from the previous statement or the
    ledger before the month. ``entries``: every ledger entry this statement is the first to cover;
    those dated before ``month_start`` are corrections to earlier months. ``details``:
    (cause_type, cause_id) -> (provider name, outcome key -> category name) for payments and credits.
    """
    def pot_label(pot):
        return words.get(pot, pot) if pot is not None else NO_POT

    pots = {pot: PotFigures(pot, pot_label(pot), opening=held, committed=promised) for pot, (held, promised) in opening.items()}
    totals = dict.fromkeys(("funding_pence", "contribution_pence", "paid_pence", "external_spend_pence", "credit_pence",
                            "clawback_pence", "adjustment_pence", "late_pence", "money_in_pence", "money_out_pence"), 0)
    kind_total = {"funding": "funding_pence", "contribution": "contribution_pence", "payment": "paid_pence",
                  "external_spend": "external_spend_pence", "credit": "credit_pence", "clawback": "clawback_pence",
                  "adjustment": "adjustment_pence"}
    grouped: dict[tuple, int] = {}
    for entry in sorted(entries, key=lambda e: (e.effective_on, e.id)):
        figures = pots.setdefault(entry.pot, PotFigures(entry.pot, pot_label(entry.pot)))
        figures.committed += PROMISED[entry.kind] * entry.amount
        held = HELD[entry.kind] * entry.amount
        if held == 0:
            continue  # a promise made or released: the money has not moved
        if held > 0:
            figures.money_in += held
            totals["money_in_pence"] += held
        else:
            figures.money_out -= held
            totals["money_out_pence"] -= held
        totals[kind_total[entry.kind]] += entry.amount
        late = entry.effective_on < month_start
        if late:
            totals["late_pence"] += held
        provider, categories = details.get((entry.cause_type, entry.cause_id), (None, {})) if entry.cause_id else (None, {})
        category = categories.get(entry.outcome_key) or next(iter(categories.values()), None)
        key_for_words = entry.pot if earmarked else entry.outcome_key
        outcome = words.get(key_for_words, key_for_words) if key_for_words else None
        section = "earlier" if late else ("in" if held > 0 else "out")
        key = (section, entry.kind, _label(entry, provider)[:300], provider, category, outcome,
               entry.effective_on if late else None)
        grouped[key] = grouped.get(key, 0) + held
    order = {"in": 0, "out": 1, "earlier": 2}
    kind_order = {kind: i for i, kind in enumerate(("funding", "contribution", "credit", "payment", "external_spend",
                                                    "clawback", "adjustment"))}
    lines = [LineDraft(section, kind, label, provider, category, outcome, dated_on, amount)
             for (section, kind, label, provider, category, outcome, dated_on), amount in sorted(
                 grouped.items(), key=lambda item: (order[item[0][0]], item[0][6] or month_start, kind_order.get(item[0][1], 9),
                                                    item[0][2], item[0][4] or "", item[0][5] or ""))]
    pot_list = sorted(pots.values(), key=lambda p: (p.pot is None, p.label, p.pot or ""))
    opening_total = sum(p.opening for p in pot_list)
    totals.update(opening_pence=opening_total, closing_pence=opening_total + totals["money_in_pence"] - totals["money_out_pence"],
                  committed_pence=sum(p.committed for p in pot_list))
    return Draft(totals, lines, pot_list)
