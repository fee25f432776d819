"""Plugs the catalogue into the application: its pages, its jobs and the search-index hooks."""
from __future__ import annotations

from . import cli, council_views, indexing, portal, views  # noqa: F401  (indexing registers the session events)


def init_app(app) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
    app.register_blueprint(council_views.bp)
    app.cli.add_command(cli.catalogue_cli)
    app.before_request(indexing.catch_up_now_and_then)
    app.add_template_filter(lambda key, mapping: mapping.get(key, key), "extract")
