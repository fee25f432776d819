"""``flask catalogue ...``: jobs for the catalogue, each safe to re-run."""
from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from .indexing import rebuild
from .listings import remind_stale as remind_stale_listings

catalogue_cli = AppGroup("catalogue", help="The catalogue and its search index.")


@catalogue_cli.command("reindex")
def reindex() -> None:
    """Rebuild the search index from the database."""
    started = time.perf_counter()
    count = rebuild()
    click.echo(f"Indexed {count} published listings in {time.perf_counter() - started:.1f}s.")


@catalogue_cli.command("remind-stale")
def remind_stale() -> None:
    """Email providers whose listings have not been confirmed for six months (at most monthly)."""
    click.echo(f"Reminded {remind_stale_listings()} listings.")
