"""Money is integer pence. This is the one place that formats and parses it."""
from __future__ import annotations

import re

MOST_PENCE = 100_000_000  # £1,000,000: more than any personal budget or price; well inside a 32-bit column

_AMOUNT = re.compile(r"^\s*£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*$")


class MoneyParseError(ValueError):
    """The text is not an amount of money we understand."""


def format_pence(pence: int | None, *, whole_pounds: bool = False) -> str:
    """``123456`` -> ``£1,234.56``; negative amounts get a leading minus sign."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, rem = divmod(abs(int(pence)), 100)
    if whole_pounds and rem == 0:
        return f"{sign}£{pounds:,}"
    return f"{sign}£{pounds:,}.{rem:02d}"


def parse_pounds(text: str) -> int:
    """Parse what a person types ("£1,234.5", "40", "40.00") into pence.

    Raises MoneyParseError for anything else (negative numbers, letters, three decimals).
    """
    match = _AMOUNT.match(text or "") if len(text or "") <= 30 else None  # nobody types more; int() would refuse 4,300 digits
    if not match:
        raise MoneyParseError("Enter an amount in pounds, like 40 or 12.50")
    pounds = int(match.group(1).replace(",", ""))
    fraction = (match.group(2) or "0").ljust(2, "0")
    return pounds * 100 + int(fraction)


def multiply(rate_pence: int, quantity) -> int:
    """Rate times quantity, rounded once, half up, to whole pence."""
    from decimal import ROUND_HALF_UP, Decimal

    return int((Decimal(rate_pence) * Decimal(str(quantity))).quantize(Decimal(1), rounding=ROUND_HALF_UP))
