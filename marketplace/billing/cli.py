"""``flask billing ...``: invoicing jobs, safe to re-run."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from .invoicing import raise_invoices

billing_cli = AppGroup("billing", help="Invoices and payments.")


@billing_cli.command("invoice")
@click.option("--until", "until", default=None, help="Invoice confirmed delivery up to this date (YYYY-MM-DD); default today.")
def invoice(until: str | None) -> None:
    """Raise invoices for confirmed, uninvoiced delivery (one per order and month)."""
    day = date.fromisoformat(until) if until else None
    click.echo(f"Raised {len(raise_invoices(day))} invoices.")
