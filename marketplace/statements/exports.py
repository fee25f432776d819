"""An issued statement as a PDF (ReportLab) and as a CSV (defusedcsv). Both read only the stored rows,
so they say exactly what the page says, however often they are downloaded."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from defusedcsv import csv
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..money import format_pence
from .compute import SECTIONS
from .models import Statement


def _text(value) -> str:
    """Escaped for ReportLab's Paragraph markup: a name holding "<b>" is printed as typed, never obeyed."""
    return escape(str(value))


def summary_rows(statement: Statement) -> list[tuple[str, int]]:
    """The figures in the order the page, the PDF and the CSV show them."""
    rows = [("Money held at the start of the month", statement.opening_pence),
            ("Council funding", statement.funding_pence),
            ("Your own contribution", statement.contribution_pence),
            ("Credits from providers", statement.credit_pence),
            ("Paid to providers", -statement.paid_pence),
            ("Spent outside the marketplace", -statement.external_spend_pence),
            ("Returned to the council", -statement.clawback_pence)]
    if statement.adjustment_pence:
        rows.append(("Corrections by the council", statement.adjustment_pence))
    rows.append(("Money held at the end of the month", statement.closing_pence))
    return rows


def line_detail(line) -> str:
    parts = [part for part in (line.category, f"for “{line.outcome}”" if line.outcome else None) if part]
    if line.dated_on:
        parts.append(f"dated {line.dated_on:%-d %B %Y}")
    return ", ".join(parts)


def statement_pdf(statement: Statement, month_name: str) -> bytes:
    buffer = io.BytesIO()
    holder = statement.holder
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=f"Statement for {month_name}", author=statement.council.name,
                            leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm)
    styles = getSampleStyleSheet()
    normal = styles["Normal"]
    story = [
        Paragraph(f"Statement for {_text(month_name)}", styles["Title"]),
        Paragraph(f"For: {_text(holder.name)} ({_text(holder.reference)}), {_text(statement.council.name)}", normal),
        Paragraph(f"Issued {statement.issued_at:%-d %B %Y}. This statement does not change once issued: anything "
                  "corrected later shows on the next one.", normal),
        Spacer(1, 6 * mm),
    ]
    if statement.underspend_sentence:
        story += [Paragraph(_text(statement.underspend_sentence), normal), Spacer(1, 6 * mm)]
    summary = [[Paragraph(_text(label), normal), format_pence(amount)] for label, amount in summary_rows(statement)]
    summary.append([Paragraph("Of which promised to providers and not yet paid", normal), format_pence(statement.committed_pence)])
    summary.append([Paragraph("Left to spend", normal), format_pence(statement.available_pence)])
    table = Table(summary, colWidths=[120 * mm, 40 * mm])
    table.setStyle(TableStyle([("ALIGN", (1, 0), (1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEABOVE", (0, -3), (-1, -3), 1, colors.black)]))
    story.append(table)
    for section, heading in SECTIONS.items():
        lines = [line for line in statement.lines if line.section == section]
        if not lines:
            continue
        story += [Spacer(1, 6 * mm), Paragraph(_text(heading), styles["Heading2"])]
        rows = [["What", "Details", "Amount"]]
        rows += [[Paragraph(_text(line.label), normal), Paragraph(_text(line_detail(line)), normal),
                  format_pence(line.amount_pence)] for line in lines]
        table = Table(rows, colWidths=[70 * mm, 60 * mm, 30 * mm], repeatRows=1)
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("ALIGN", (2, 0), (2, -1), "RIGHT"),
                                   ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    if statement.council.money_is_earmarked and statement.pots:
        story += [Spacer(1, 6 * mm), Paragraph("Money for each outcome in the plan", styles["Heading2"])]
        rows = [["Outcome", "Start", "In", "Out", "End", "Promised"]]
        rows += [[Paragraph(_text(p.label), normal), format_pence(p.opening_pence), format_pence(p.money_in_pence),
                  format_pence(p.money_out_pence), format_pence(p.closing_pence), format_pence(p.committed_pence)]
                 for p in statement.pots]
        table = Table(rows, colWidths=[55 * mm, 21 * mm, 21 * mm, 21 * mm, 21 * mm, 21 * mm], repeatRows=1)
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    doc.build(story)
    return buffer.getvalue()


def _pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}"


def statement_csv(statement: Statement) -> str:
    """One row per line, then the totals, with money in and money out in separate columns (pounds and
    pence). Written with defusedcsv: no cell can become a spreadsheet formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Section", "What", "Provider", "Category", "Outcome", "Dated", "Money in", "Money out", "Balance"])
    for line in statement.lines:
        writer.writerow([SECTIONS.get(line.section, line.section), line.label, line.provider or "", line.category or "",
                         line.outcome or "", line.dated_on.isoformat() if line.dated_on else "",
                         _pounds(line.amount_pence) if line.amount_pence > 0 else "",
                         _pounds(-line.amount_pence) if line.amount_pence < 0 else "", ""])
    blank = ["", "", "", ""]
    writer.writerow(["Totals", "Money held at the start of the month", *blank, "", "", _pounds(statement.opening_pence)])
    writer.writerow(["Totals", "Total money in", *blank, _pounds(statement.money_in_pence), "", ""])
    writer.writerow(["Totals", "Total money out", *blank, "", _pounds(statement.money_out_pence), ""])
    writer.writerow(["Totals", "Money held at the end of the month", *blank, "", "", _pounds(statement.closing_pence)])
    writer.writerow(["Totals", "Promised to providers and not yet paid", *blank, "", "", _pounds(statement.committed_pence)])
    writer.writerow(["Totals", "Left to spend", *blank, "", "", _pounds(statement.available_pence)])
    for pot in statement.pots if statement.council.money_is_earmarked else []:
        writer.writerow(["Outcome", pot.label, *blank, _pounds(pot.money_in_pence), _pounds(pot.money_out_pence),
                         _pounds(pot.closing_pence)])
    return out.getvalue()
