"""An invoice as a PDF, drawn with ReportLab (pure Python, nothing to install on the system)."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..money import format_pence


def _text(value) -> str:
    """A value for ReportLab's Paragraph markup: escaped, so a name holding "<b>" or "<img src=...>"
    is printed as typed, never read as markup (an <img> tag would make the server read a file)."""
    return escape(str(value))


def _how_to_pay(invoice, full_bank_details: bool, styles) -> list:
    """Where to pay by bank transfer: in full for whoever pays the invoice, masked for everyone else."""
    details = invoice.organisation.bank_details
    if invoice.is_settled:
        return []
    story = [Paragraph("How to pay", styles["Heading2"])]
    if details is None:
        story.append(Paragraph(f"{_text(invoice.organisation.name)} has not given bank details yet. Ask them to add their "
                               "bank details on Support Market before you pay by bank transfer.", styles["Normal"]))
        return story
    if not full_bank_details:
        story.append(Paragraph(f"By bank transfer to {_text(details.account_name)}: {_text(details.masked)}. "
                               f"Payment reference: {_text(invoice.reference)}.", styles["Normal"]))
        return story
    rows = [[Paragraph(f"<b>{key}</b>", styles["Normal"]), Paragraph(_text(value), styles["Normal"])] for key, value in (
        ("Name on the account", details.account_name), ("Sort code", details.sort_code_display),
        ("Account number", details.account_number), ("Payment reference", invoice.reference),
        ("Amount", format_pence(invoice.payable_pence)))]
    table = Table(rows, colWidths=[45 * mm, 100 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [Paragraph("By bank transfer:", styles["Normal"]), table,
              Paragraph("Use the payment reference so the provider knows what the money is for.", styles["Normal"])]
    return story


def invoice_pdf(invoice, *, full_bank_details: bool = False) -> bytes:
    """The invoice as a PDF. ``full_bank_details``: the reader pays it (the caller asked the policy)."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=f"Invoice {invoice.reference}", author=invoice.organisation.name,
                            leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm)
    styles = getSampleStyleSheet()
    story = [
        Paragraph(f"Invoice {invoice.reference}", styles["Title"]),
        Paragraph(f"From: {_text(invoice.organisation.name)}", styles["Normal"]),
        Paragraph(f"For: {_text(invoice.holder.name)} ({_text(invoice.holder.reference)}), {_text(invoice.council.name)}",
                  styles["Normal"]),
        Paragraph(f"Issued {invoice.issued_on:%d %B %Y}. Due {invoice.due_on:%d %B %Y}. Status: {_text(invoice.status_label)}.",
                  styles["Normal"]),
        Spacer(1, 8 * mm),
    ]
    rows = [["Date", "Description", "Quantity", "Price", "VAT", "Amount"]]
    for line in invoice.lines:
        rows.append([line.on.strftime("%d %b %Y"), Paragraph(_text(line.description), styles["Normal"]), f"{line.quantity_centi / 100:g}",
                     format_pence(line.unit_price_pence), f"{line.vat_rate_percent}%", format_pence(line.amount_pence)])
    rows.append(["", "Total (VAT included: " + format_pence(invoice.vat_pence) + ")", "", "", "", format_pence(invoice.total_pence)])
    if invoice.credited_pence:
        rows.append(["", "Credit notes", "", "", "", "-" + format_pence(invoice.credited_pence)])
        rows.append(["", "To pay", "", "", "", format_pence(invoice.payable_pence)])
    table = Table(rows, colWidths=[24 * mm, 70 * mm, 18 * mm, 22 * mm, 14 * mm, 26 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
        ("LINEABOVE", (0, -1), (-1, -1), 1, colors.black),
        ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story.append(table)
    story.append(Spacer(1, 8 * mm))
    story += _how_to_pay(invoice, full_bank_details, styles)
    story.append(Spacer(1, 8 * mm))
    story.append(Paragraph("Paid for from a personal budget through Support Market. Most care and support is exempt from VAT.", styles["Italic"]))
    doc.build(story)
    return buffer.getvalue()
