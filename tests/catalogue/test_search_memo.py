"""Search results are kept: Whoosh's per searcher, PostgreSQL's in the shared cache under the documents'
version. A search repeated on an unchanged index is answered from memory, and any change to the index
(a new searcher, a new version) is seen at once."""
from __future__ import annotations

import pytest

from catalogue.indexing import current_index
from catalogue.search import SearchRequest, engine, pg, search

from .support import listing_form, result_titles
from .test_index_sync import provider, published  # noqa: F401 -- the same Greenfingers listing


@pytest.fixture
def runs(monkeypatch):
    """How many searches really ran against the index."""
    ran = []
    real = engine._run

    def counted(*args, **kwargs):
        ran.append(args[2])
        return real(*args, **kwargs)

    def counted_postgres(self, conn, request, *args):
        ran.append(request)
        return real_postgres(self, conn, request, *args)

    real_postgres = pg.PostgresIndex._search
    monkeypatch.setattr(engine, "_run", counted)
    monkeypatch.setattr(pg.PostgresIndex, "_search", counted_postgres)
    return ran


pytestmark = pytest.mark.usefixtures("search_backend")  # against each search backend


def test_the_same_search_twice_runs_once_and_a_different_one_runs_again(published, runs):
    first = search(current_index(), SearchRequest(text="bramble", categories=["gardening"]))
    again = search(current_index(), SearchRequest(text="bramble", categories=["gardening"]))
    other_page = search(current_index(), SearchRequest(text="bramble", categories=["gardening"], page=2))
    other_words = search(current_index(), SearchRequest(text="gardens"))

    assert again == first and [hit.listing_id for hit in first.hits] == [published.id]
    assert len(runs) == 3 and other_page.hits == [] and [hit.listing_id for hit in other_words.hits] == [published.id]


def test_a_change_to_the_index_is_seen_by_the_next_search(provider, published, browser, client, runs):
    _organisation, admin = provider
    assert result_titles(client.get("/catalogue?q=bramble&council=aldermoor")) == ["Bramble clearing"]
    assert result_titles(client.get("/catalogue?q=bramble&council=aldermoor")) == ["Bramble clearing"]
    ran_before = len(runs)
    browser.sign_in(admin.email)

    assert browser.submit(f"/provider/listings/{published.id}/edit", listing_form(title="Hedge trimming")).status_code == 302

    # still public in the database, so only a fresh search can leave it out
    assert result_titles(client.get("/catalogue?q=bramble&council=aldermoor")) == []
    assert result_titles(client.get("/catalogue?q=hedge&council=aldermoor")) == ["Hedge trimming"]
    # once before the change; after it bramble, the free community resources offered when nothing is found, hedge
    assert ran_before == 1 and len(runs) == 4


def test_another_worker_reading_the_same_index_takes_the_results_from_the_shared_cache(app, published, runs, search_backend):
    if search_backend != "whoosh":
        pytest.skip("PostgreSQL's documents are one index for every worker already")
    first = search(current_index(), SearchRequest(text="bramble"))
    other_worker = engine.CatalogueIndex(app.config["SEARCH_INDEX_DIR"])  # its own searcher, as in another process

    again = search(other_worker, SearchRequest(text="bramble"))

    assert again == first and len(runs) == 1
    assert other_worker.searcher() is not current_index().searcher()
