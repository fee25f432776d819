"""Search past one machine: every node's Whoosh index follows the database's change record from its
own position, so a listing published through one node is found on another within seconds; the
position survives gaps (a lower id committed after a higher one) and pruning."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, insert, select, update

from catalogue import indexing, listings
from catalogue.models import Listing, SearchChange
from catalogue.search import SearchRequest, search, sequence
from marketplace import clock
from marketplace.extensions import db, limiter

from ..conftest import make_app
from .support import result_titles

INTERVAL = 1  # seconds between a node's catch-ups in these tests


@pytest.fixture(autouse=True)
def _limiter_as_it_was():
    """A second app rebinds the process-wide limiter: put it back as the shared test app had it."""
    saved = dict(limiter.__dict__)
    yield
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)


@pytest.fixture
def provider(make):
    council = make.council("aldermoor")
    return make.provider(council, name="Greenfingers Co-op")


@pytest.fixture
def other_node(database, tmp_path):
    """A second web node: the same database, its own index directory, catching up every INTERVAL seconds."""
    node = make_app(database, tmp_path, SEARCH_SYNC_INTERVAL=INTERVAL)
    yield node
    with node.app_context():
        indexing.current_index().clear()
        db.engine.dispose()


def _found(node, text):
    return result_titles(node.test_client().get(f"/catalogue?q={text}&council=aldermoor"))


def _publish(admin, organisation, title):
    made = listings.create(admin, organisation, title=title, summary="Overgrown gardens cleared.",
                           category="gardening", price_pence=1800, delivery_modes=["home"], areas=["SK4"])
    listings.change_status(admin, made, "published")
    return made


def test_a_listing_published_through_one_node_is_found_on_another_within_its_sync_interval(app, provider, other_node):
    organisation, admin = provider
    assert _found(other_node, "bramble") == []  # the other node has caught up (with nothing yet)

    made = _publish(admin, organisation, "Bramble clearing")

    time.sleep(INTERVAL + 0.1)
    assert _found(other_node, "bramble") == ["Bramble clearing"]

    listings.change_status(admin, made, "paused")
    time.sleep(INTERVAL + 0.1)
    assert _found(other_node, "bramble") == []
    with other_node.app_context():
        assert indexing.pending_count() == 0
        assert indexing.differences() == {"missing": [], "extra": [], "stale": []}


def test_a_change_row_committed_after_a_higher_one_is_still_applied(app, make, provider):
    organisation, _admin = provider
    first = make.listing(organisation, title="Bramble clearing")
    second = make.listing(organisation, title="Hedge cutting")
    highest = db.session.scalar(select(func.max(SearchChange.id)))
    index = indexing.current_index()
    with index.writing():
        index.write_state(sequence.fresh(highest))  # up to date (earlier tests' ids are gaps before this one's)
    # Two transactions: the one holding id highest+1 commits after the one holding highest+2.
    db.session.execute(update(Listing).where(Listing.id == second.id).values(title="Hedge laying"))
    db.session.execute(insert(SearchChange), [{"id": highest + 2, "listing_id": first.id, "noted_at": clock.now()}])
    db.session.commit()
    assert indexing.apply_pending() == 1
    assert index.read_state()["position"] == highest  # it waits for the gap

    db.session.execute(insert(SearchChange), [{"id": highest + 1, "listing_id": second.id, "noted_at": clock.now()}])
    db.session.commit()
    assert indexing.pending_count() == 1
    assert indexing.apply_pending() == 1

    assert index.read_state() == {"position": highest + 2, "above": [], "waiting_since": None}
    assert indexing.differences() == {"missing": [], "extra": [], "stale": []}


def test_a_gap_that_never_fills_is_stepped_over_after_waiting():
    state = sequence.advance(sequence.fresh(10), [12, 13], now=100.0)
    assert state == {"position": 10, "above": [12, 13], "waiting_since": 100.0}
    assert sequence.unapplied(state, [11, 12, 13, 14]) == [11, 14]

    state = sequence.advance(state, [14], now=100.0 + sequence.GAP_WAIT - 1)
    assert state["position"] == 10  # still waiting for 11
    state = sequence.advance(state, [], now=100.0 + sequence.GAP_WAIT + 1)
    assert state == {"position": 14, "above": [], "waiting_since": None}


def test_sync_prune_deletes_old_rows_and_a_node_left_behind_rebuilds(app, provider, other_node):
    organisation, admin = provider
    _publish(admin, organisation, "Bramble clearing")
    with other_node.app_context():
        assert indexing.apply_pending() is not None  # the other node is at the current position
    _publish(admin, organisation, "Hedge laying")

    result = app.test_cli_runner().invoke(args=["catalogue", "sync", "--prune", "--days", "1"])
    assert result.exit_code == 0, result.output
    assert "Pruned 0 change-record rows older than 1 days." in result.output
    assert indexing.prune(days=0) >= 2  # everything noted before now: the other node never read the hedge
    assert db.session.scalar(select(func.count(SearchChange.id))) == 0

    time.sleep(INTERVAL + 0.1)
    _found(other_node, "hedge")  # this request sees the node is behind: it rebuilds beside the requests
    deadline = time.monotonic() + 10
    while _found(other_node, "hedge") != ["Hedge laying"] and time.monotonic() < deadline:
        time.sleep(0.5)  # at most 20 searches: under the rate limit
    assert _found(other_node, "hedge") == ["Hedge laying"]  # rebuilt from the database
    with other_node.app_context():
        assert indexing.differences() == {"missing": [], "extra": [], "stale": []}


def test_the_postgres_search_backend_on_another_database_fails_clearly(app, ctx):
    if db.engine.dialect.name == "postgresql":
        pytest.skip("this database is PostgreSQL: the backend is allowed")
    app.config["SEARCH_BACKEND"] = "postgres"
    try:
        with pytest.raises(RuntimeError, match="SEARCH_BACKEND=postgres needs a PostgreSQL database"):
            indexing.current_index()
    finally:
        app.config["SEARCH_BACKEND"] = "whoosh"


@pytest.mark.usefixtures("search_backend")
def test_facet_counts_follow_each_applied_change(app, provider):
    organisation, admin = provider
    request = SearchRequest(council_slug="aldermoor")
    _publish(admin, organisation, "Bramble clearing")
    assert search(indexing.current_index(), request).facets["category"] == {"gardening": 1}

    _publish(admin, organisation, "Hedge laying")

    assert search(indexing.current_index(), request).facets["category"] == {"gardening": 2}
