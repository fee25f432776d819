"""The manual gateway: someone paid by bank transfer or standing order and records it here.

It is the embedded default and never depends on anyone else's service, so a budget
manager can always pay a personal assistant, whatever is down.
"""
from __future__ import annotations

import io
from datetime import date

from defusedcsv import csv

from ...errors import DomainError
from .base import GatewayResult


class ManualGateway:
    def __init__(self, method: str = "bacs"):
        self.name = method

    def pay(self, payment, *, reference: str | None = None, paid_on: date | None = None, **_ignored) -> GatewayResult:
        if self.name != "isf_internal" and not (reference or "").strip():
            raise DomainError("Enter the payment reference from the bank.")
        return GatewayResult("succeeded", gateway_ref=(reference or "").strip() or None)

    def refund(self, payment, amount_pence: int, *, idempotency_key: str, reference: str | None = None) -> GatewayResult:
        """The provider paid the money back by bank (or, for a service fund, back into it): record it."""
        if self.name != "isf_internal" and not (reference or "").strip():
            return GatewayResult("failed", message="Enter the bank reference of the money you paid back.")
        return GatewayResult("succeeded", gateway_ref=(reference or "").strip() or None)


def payment_run_csv(payments) -> str:
    """The rows a council or budget manager uploads to their bank: one per payment. Written with
    defusedcsv, so a name starting with "=", "+", "-" or "@" cannot become a spreadsheet formula
    on the finance officer's computer."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["payment_id", "payee", "payee_email", "invoice", "amount_gbp", "reference", "holder_reference"])
    for p in payments:
        invoice = p.invoice
        writer.writerow([p.id, invoice.organisation.name, invoice.organisation.email or "", invoice.reference,
                         f"{p.amount_pence / 100:.2f}", f"SM {invoice.reference}"[:18], invoice.holder.reference])
    return out.getvalue()
