"""What a report returns: tables of rows, each row saying how many people it describes so the privacy
rules can hide it, with the definition of every figure beside it."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..money import format_pence
from .privacy import FEWER, hidden, total_hidden


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | count | money (pence) | percent | number


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict]  # each: the columns' values and "people": how many people the row describes
    definitions: dict[str, str] = field(default_factory=dict)  # a column's label -> what it means
    total: dict | None = None  # a total row (its "people" too), hidden when it describes fewer than 5
    chart: tuple[str, str] | None = None  # (label column, value column) to draw, or None
    note: str | None = None
    ranked: bool = False  # rows in order of their figures: hidden rows then go last, by label (their rank would tell)
    suppressed: bool = False  # set by ``protect``

    def protect(self) -> "Table":
        """Hide every cell the privacy rules hide: its value becomes None, and ``hidden`` lists the row."""
        people = {i: row.get("people", 0) for i, row in enumerate(self.rows)}
        gone = hidden(people, with_total=self.total is not None)
        for i, row in enumerate(self.rows):
            row["hidden"] = i in gone
        if self.total is not None and total_hidden(people):
            self.total["hidden"] = True
        self.suppressed = bool(gone)
        if self.ranked and gone:
            label = self.columns[0].key
            self.rows = ([row for row in self.rows if not row["hidden"]]
                         + sorted((row for row in self.rows if row["hidden"]), key=lambda row: str(row.get(label))))
        return self

    def shown(self, row: dict, column: Column):
        """The value as a page or a CSV shows it."""
        if row.get("hidden") and column.kind != "text":
            return FEWER
        value = row.get(column.key)
        if value is None:
            return "" if column.kind == "text" else "none"
        if column.kind == "money":
            return format_pence(int(value))
        if column.kind == "percent":
            return f"{value:.1f}%"
        if column.kind == "number":
            return f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
        if column.kind == "count":
            return f"{value:,}"
        return str(value)
