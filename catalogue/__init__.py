"""The searchable catalogue: organisations, listings, people and community resources."""


def init_app(app) -> None:
    """Register the catalogue's pages, CLI and the index-sync hooks."""
    from . import cli, council_views, indexing, portal, views  # noqa: F401  (indexing registers session events)

    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
    app.register_blueprint(council_views.bp)
    app.cli.add_command(cli.catalogue_cli)
    app.add_template_filter(lambda key, mapping: mapping.get(key, key), "extract")
