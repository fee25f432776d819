"""``flask budgets ...``: money jobs, each safe to re-run for the same dates."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

budgets_cli = AppGroup("budgets", help="Budgets and the ledger.")


@budgets_cli.command("fund")
@click.option("--until", "until", required=True, help="Post every payment due on or before this date (YYYY-MM-DD).")
def fund(until: str) -> None:
    """Post due funding (and contributions) for every budget with an approved plan. Idempotent."""
    from .service import fund_until

    try:
        day = date.fromisoformat(until)
    except ValueError:
        raise click.BadParameter("use the form YYYY-MM-DD, like 2026-11-30", param_hint="--until") from None
    click.echo(f"Posted {fund_until(day)} funding entries due on or before {day:%d %B %Y}.")
