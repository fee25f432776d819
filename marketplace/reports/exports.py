"""A report as CSV: each table under its title, hidden cells as "fewer than 5", exactly as the page
shows them; defusedcsv neutralises cells a spreadsheet would run as formulas."""
from __future__ import annotations

import io

from defusedcsv import csv

from .filters import Filters
from .tables import Table


def as_csv(title: str, filters: Filters, tables: list[Table]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title])
    writer.writerow([f"{filters.council.name}: {filters.words}"])
    for table in tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow([c.label for c in table.columns])
        for row in table.rows:
            writer.writerow([table.shown(row, c) for c in table.columns])
        if table.total is not None:
            writer.writerow([table.shown(table.total, c) for c in table.columns])
    return out.getvalue()
