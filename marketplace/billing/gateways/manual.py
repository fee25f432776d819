"""The manual gateway: someone paid by bank transfer or standing order and records it here.

It is the embedded default and never depends on anyone else's service, so a budget
manager can always pay a personal assistant, whatever is down.
"""
from __future__ import annotations

import io
import re
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


# Bacs allows only these characters in a name or reference; anything else would make the bank refuse the file.
_NOT_BACS = re.compile(r"[^A-Z0-9.&/ -]")
BACS_FIELD = 18


def bacs_text(value: str) -> str:
    """``value`` as a Bacs name or reference: upper case, only A-Z 0-9 . & / - and space, starting with a letter
    or digit (so nothing can read it as a spreadsheet formula), at most 18 characters."""
    text = " ".join(_NOT_BACS.sub(" ", (value or "").upper()).split())
    text = re.sub(r"^[^A-Z0-9]+", "", text)
    return text[:BACS_FIELD].rstrip()


def payment_run_csv(payments) -> str:
    """The bank file a council or budget manager uploads to their business bank: the common bulk-payment
    CSV, one row per payment and no header row: sort code (6 digits), account number (8 digits), the name
    on the account, the amount in pounds and pence, and the payment reference (the invoice reference).
    Names and references are cut to Bacs's 18 characters and characters. Payments whose provider has no
    bank details are left out (the payments page lists them). Written with defusedcsv, so nothing in a
    cell can become a spreadsheet formula on the finance officer's computer."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for p in payments:
        details = p.invoice.organisation.bank_details
        if details is None:
            continue
        writer.writerow([details.sort_code, details.account_number, bacs_text(details.account_name),
                         f"{p.amount_pence // 100}.{p.amount_pence % 100:02d}", bacs_text(p.invoice.reference)])
    return out.getvalue()
