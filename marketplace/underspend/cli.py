"""``flask underspend check``: warn ahead of each council's rule and propose clawbacks for finance to decide."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from .. import clock
from ..councils.models import Council
from ..extensions import db
from .service import check

underspend_cli = AppGroup("underspend", help="Underspend under each council's rule.")


@underspend_cli.command("check")
@click.option("--council", "slug", default=None, help="Only this council (its slug, like aldermoor).")
@click.option("--on", "on", default=None, help="The day to check as (YYYY-MM-DD); today by default.")
def check_command(slug: str | None, on: str | None) -> None:
    """Send the warnings due and make clawback proposals where a rule has bitten. Safe to run again:
    nothing is taken back until a finance officer decides."""
    council = None
    if slug:
        council = db.session.scalar(db.select(Council).filter_by(slug=slug))
        if council is None:
            raise click.BadParameter(f"no council is called {slug!r}", param_hint="--council")
    try:
        day = date.fromisoformat(on) if on else clock.today()
    except ValueError:
        raise click.BadParameter("use the form YYYY-MM-DD, like 2026-11-30", param_hint="--on") from None
    result = check(day, council)
    click.echo(f"Checked {result.budgets} budgets on {day:%-d %B %Y}: {result.warned} warned, {result.cleared} warnings "
               f"no longer needed, {result.proposed} proposals for finance to decide.")
