"""``flask statements generate --month YYYY-MM [--council SLUG]``: safe to run again for the same month."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..councils.models import Council
from ..errors import DomainError
from ..extensions import db
from . import service

statements_cli = AppGroup("statements", help="Monthly statements.")


@statements_cli.command("generate")
@click.option("--month", "month_text", required=True, help="The month, as YYYY-MM (it must have ended).")
@click.option("--council", "slug", default=None, help="Only this council's holders (its slug, e.g. aldermoor).")
@click.option("--chunk", default=service.CHUNK, show_default=True, type=click.IntRange(1, 10_000),
              help="Budgets issued in one transaction.")
def generate(month_text: str, slug: str | None, chunk: int) -> None:
    """Issue every holder's statement for the month and tell them. Statements already issued are left alone."""
    try:
        month = service.parse_month(month_text)
    except DomainError as error:
        raise click.BadParameter(str(error), param_hint="--month") from None
    council = None
    if slug:
        council = db.session.scalar(db.select(Council).filter_by(slug=slug))
        if council is None:
            raise click.BadParameter(f"No council has the slug {slug!r}.", param_hint="--council")
    total = len(service.budgets_for_month(month, council))
    try:
        with click.progressbar(length=total, label=f"Statements for {service.month_name(month)}") as bar:
            result = service.generate_month(month, council, chunk=chunk, progress=bar.update)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Issued {result.issued} statements for {service.month_name(month)}; {result.already} were already issued"
               + (f"; {result.skipped} left alone because a later month is already issued" if result.skipped else "") + ".")
