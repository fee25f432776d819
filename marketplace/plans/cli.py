"""``flask budgets fund``: post the funding due by a date. The group keeps the name people know
(budgets), though funding follows the approved plan and so lives with plans."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from .funding import fund_until

budgets_cli = AppGroup("budgets", help="Budgets and the ledger.")


@budgets_cli.command("fund")
@click.option("--until", "until", required=True, help="Post every payment due on or before this date (YYYY-MM-DD).")
def fund(until: str) -> None:
    """Post due funding (and contributions) for every budget with an approved plan. Idempotent."""
    try:
        day = date.fromisoformat(until)
    except ValueError:
        raise click.BadParameter("use the form YYYY-MM-DD, like 2026-11-30", param_hint="--until") from None
    click.echo(f"Posted {fund_until(day)} funding entries due on or before {day:%d %B %Y}.")
