"""``flask catalogue ...``: jobs for the catalogue, each safe to re-run."""
from __future__ import annotations

import sys
import time

import click
from flask.cli import AppGroup

from .indexing import RETENTION_DAYS, apply_pending, differences, pending_count, prune, rebuild
from .listings import remind_stale as remind_stale_listings

catalogue_cli = AppGroup("catalogue", help="The catalogue and its search index.")

SHOWN_IDS = 20


@catalogue_cli.command("reindex")
@click.option("--check", is_flag=True, help="Only report how the index and the database differ; change nothing.")
def reindex(check: bool) -> None:
    """Rebuild the search index from the database (safe while the site runs)."""
    if check:
        _check()
        return
    started = time.perf_counter()
    count = rebuild()
    click.echo(f"Indexed {count} published listings in {time.perf_counter() - started:.1f}s.")


def _check() -> None:
    """Exit 0 when the index matches the database, 1 when it does not (for monitoring)."""
    found = differences()
    waiting = pending_count()
    described = {"missing": "public listings missing from the index",
                 "extra": "listings in the index that are not public",
                 "stale": "index entries that no longer match the database"}
    for name, ids in found.items():
        shown = ", ".join(str(i) for i in ids[:SHOWN_IDS]) + (" ..." if len(ids) > SHOWN_IDS else "")
        click.echo(f"{len(ids)} {described[name]}" + (f": {shown}" if ids else ""))
    click.echo(f"{waiting} changes waiting in the change record")
    if any(found.values()):
        click.echo("The index differs from the database: run 'flask catalogue sync', or 'flask catalogue reindex'.")
        sys.exit(1)
    click.echo("The index matches the database.")


@catalogue_cli.command("sync")
@click.option("--prune", "prune_old", is_flag=True,
              help=f"Afterwards delete change-record rows older than --days (default {RETENTION_DAYS}).")
@click.option("--days", default=RETENTION_DAYS, show_default=True, type=click.IntRange(min=1))
def sync(prune_old: bool, days: int) -> None:
    """Catch this node's search index up with the change record (what other nodes or a failure left)."""
    waiting = pending_count()
    applied = apply_pending(wait=600)
    if applied is None:
        click.echo(f"Could not update the search index; {pending_count()} changes still wait. See the log.", err=True)
        sys.exit(1)
    click.echo(f"Applied {applied} of {waiting} waiting changes to the search index.")
    if prune_old:
        click.echo(f"Pruned {prune(days)} change-record rows older than {days} days.")


@catalogue_cli.command("remind-stale")
def remind_stale() -> None:
    """Email providers whose listings have not been confirmed for six months (at most monthly)."""
    click.echo(f"Reminded {remind_stale_listings()} listings.")
