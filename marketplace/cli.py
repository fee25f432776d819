"""Command-line jobs: ``flask --app wsgi demo load`` and friends. Each is safe to re-run."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from . import demo
from .billing.cli import billing_cli
from .plans.cli import budgets_cli
from .providers.cli import providers_cli

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
def demo_load() -> None:
    """Create (or refresh) the demo councils, users and budget holders."""
    demo.load(echo=click.echo)


def init_app(app) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(budgets_cli)
    app.cli.add_command(billing_cli)
    app.cli.add_command(providers_cli)
