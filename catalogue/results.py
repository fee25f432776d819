"""Search hits turned into the listings a page shows, checked against the database.

The index can lag the database (a listing paused, archived or withdrawn from its council's
approval a moment ago may still be in it), so every hit is loaded and kept only if it is public
*now*. Loading takes two queries whatever the number of hits: the listings with their
organisations and the councils that run community resources (joined), then the organisations'
council approvals: everything ``Listing.is_public`` and a result's provider name read.
"""
from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from marketplace import caching, clock
from marketplace.extensions import db
from marketplace.pricing.service import prices_for
from marketplace.providers.models import Organisation

from .models import Listing, SearchChange
from .search import SearchRequest, SearchResults, search

log = logging.getLogger(__name__)

# What a result reads, loaded up front: is_public (organisation and its approvals) and provider_name.
SHOWN = (joinedload(Listing.organisation).selectinload(Organisation.approvals), joinedload(Listing.council))


def public_listings(ids: list[int]) -> list[Listing]:
    """The listings with these ids that are public now, in the order given, in a fixed number of queries.

    Hits the index still holds for listings no longer public are left out (and logged), so a
    result never leads to a page that answers 404."""
    if not ids:
        return []
    by_id = {listing.id: listing for listing in db.session.scalars(
        db.select(Listing).where(Listing.id.in_(ids)).options(*SHOWN))}
    shown = [by_id[i] for i in ids if i in by_id and by_id[i].is_public]
    dropped = sorted(set(ids) - {listing.id for listing in shown})
    if dropped:
        log.info("Search hits not shown, no longer public in the database (the index lags): listings %s", dropped)
    return shown


def checked_search(index, request: SearchRequest, with_facets: bool = True) -> tuple[SearchResults, list[Listing]]:
    """Search the index, then load the hits that are still public. The total leaves out the hits dropped
    from this page (those on other pages are not known without loading them)."""
    results = search(index, request, with_facets=with_facets)
    listings = public_listings([hit.listing_id for hit in results.hits])
    dropped = len(results.hits) - len(listings)
    if dropped:
        results = replace(results, total=max(0, results.total - dropped))
    return results, listings


# How long a page's list of results is kept. The key covers what it shows (see ``shown_results``);
# this bounds what it does not (a council renamed, a change made behind the change record's back).
RESULTS_HTML_SECONDS = 300
# Kept in each worker (500 pages, about 10 MB) in front of the shared cache: every worker of a node
# reads the same index, so one renders a page and the others take it.
_PAGES = caching.Kept(500, RESULTS_HTML_SECONDS, "search-pages")
_FILTERS = caching.Kept(500, RESULTS_HTML_SECONDS, "search-filters")


def public_ids(ids: list[int]) -> list[int]:
    """Which of these listings are public now, in the order given: one query, nothing loaded."""
    if not ids:
        return []
    found = set(db.session.scalars(select(Listing.id).where(Listing.id.in_(ids), Listing.public_condition())))
    return [i for i in ids if i in found]


def shown_results(index, request: SearchRequest, price_council, shopping_for_id, render) -> tuple[SearchResults, dict]:
    """The search and its page of results as HTML: ``{"html", "shown", "dropped"}`` (``render(listings,
    prices)`` makes the HTML), kept in the cache so a repeated search loads no listings and renders
    no results. Kept under all the HTML depends on: the state of the index that answered, which hits
    are public in the database now (asked on every page, so a result never leads to a 404), the
    change record's newest row (a change to a listing, its organisation, approvals, agreed prices or
    rating adds one in its own transaction), the pricing council, the person shopped for, and the
    date ("Possibly out of date")."""
    results = search(index, request)
    public = public_ids([hit.listing_id for hit in results.hits])
    version = db.session.scalar(select(func.max(SearchChange.id)))
    key = (results.index_version, tuple(public), version, getattr(price_council, "id", None), shopping_for_id,
           clock.today().isoformat())

    def build() -> dict:
        listings = public_listings([hit.listing_id for hit in results.hits])
        html = str(render(listings, prices_for(listings, price_council))) if listings else ""
        return {"html": html, "shown": len(listings), "dropped": len(results.hits) - len(listings)}

    shown = _PAGES.remember(key, build)
    if shown["dropped"]:
        results = replace(results, total=max(0, results.total - shown["dropped"]))
    return results, shown


def shown_filters(results: SearchResults, request: SearchRequest, render) -> str:
    """The filters' HTML (``render()`` makes it), kept under the index state and the request: the
    facet counts come from the results, which those fix."""
    return _FILTERS.remember((results.index_version, request.key()), lambda: str(render()))


def community_alternatives(index, request: SearchRequest, limit: int = 5) -> list[Listing]:
    """The newest free community resources in the searcher's council and area, for a search that found
    nothing; checked against the database like any result."""
    alternative = SearchRequest(text="", council_slug=request.council_slug, area=request.area, kinds=["community"],
                                sort="newest", page_size=limit)
    return checked_search(index, alternative, with_facets=False)[1]
