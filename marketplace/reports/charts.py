"""Charts drawn on the server as SVG by pygal, always with the table they come from beside them on the
page (a chart never stands alone). Served as an image with its own strict policy: no scripts, styles
only inside the SVG."""
from __future__ import annotations

import re

import pygal
from pygal.style import Style

from .tables import Table

MOST_BARS = 20
SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
STYLE = Style(background="white", plot_background="white", foreground="#0b0c0c", foreground_strong="#0b0c0c",
              foreground_subtle="#505a5f", colors=("#1d70b8",), font_family="Arial, sans-serif",
              label_font_size=14, major_label_font_size=14, title_font_size=18, value_font_size=13)


def bar_svg(table: Table) -> str:
    """A horizontal bar chart of the table's chart column, hidden cells left out (they say "fewer than 5"
    in the table), at most 20 bars."""
    label_key, value_key = table.chart
    column = next(c for c in table.columns if c.key == value_key)
    rows = [r for r in table.rows if not r.get("hidden") and r.get(value_key) is not None][:MOST_BARS]
    rows.reverse()  # a horizontal bar chart draws its first bar at the bottom: the table's first row goes on top
    chart = pygal.HorizontalBar(width=800, height=max(220, 80 + 32 * len(rows)), show_legend=False, js=[],
                                disable_xml_declaration=True, style=STYLE, truncate_label=40, print_values=False,
                                explicit_size=False)
    chart.title = table.title
    chart.x_labels = [str(r[label_key]) for r in rows]
    money = column.kind == "money"
    chart.value_formatter = (lambda v: f"£{v:,.0f}") if money else (lambda v: f"{v:,.1f}" if isinstance(v, float) else f"{v:,}")
    chart.add(column.label, [r[value_key] / 100 if money else r[value_key] for r in rows])
    return SCRIPT.sub("", chart.render(is_unicode=True))  # pygal's tooltip settings: an image runs no script anyway
