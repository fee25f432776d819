"""Plugs the catalogue into the application: its pages, its jobs and the search-index hooks."""
from __future__ import annotations

from marketplace.errors import render_error

from . import cli, council_views, indexing, portal, views  # noqa: F401  (indexing registers the session events)
from .search.engine import SearchUnavailable

SEARCH_RETRY_SECONDS = 30


def _search_unavailable(_error: SearchUnavailable):
    """The index could not be read even after reopening it: say so, and when to try again."""
    response = render_error(503, "Searching is not working for a moment. Please try again in a minute. "
                                 "Nothing you entered has been lost.")
    body, status = response if isinstance(response, tuple) else (response, response.status_code)
    return body, status, {"Retry-After": str(SEARCH_RETRY_SECONDS)}


def init_app(app) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
    app.register_blueprint(council_views.bp)
    app.cli.add_command(cli.catalogue_cli)
    app.before_request(indexing.catch_up_now_and_then)
    app.register_error_handler(SearchUnavailable, _search_unavailable)
    app.add_template_filter(lambda key, mapping: mapping.get(key, key), "extract")
