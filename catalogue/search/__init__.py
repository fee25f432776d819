"""Searching the catalogue, as a package of one concern per module:

- ``schema``: the index's fields and the document made for each listing;
- ``language``: stemming, filler words, synonyms and spelling correction;
- ``query``: the request, the results, and the Whoosh queries a request becomes;
- ``engine``: the index directory, writing and rebuilding it, and ``search``;
- ``sequence``: a follower's position in the change record (gaps included);
- ``pg``: the PostgreSQL full-text backend (SEARCH_BACKEND=postgres) behind the same ``search``;
- ``masks`` and ``bits``: what is worked out once per index version (bitmasks, sort orders, scores);
- ``ranking``: relevance order;
- ``whoosh_fixes``: every place this package works around Whoosh 2.7.4, with the test that proves it.

Searching understands what budget holders type: words are stemmed ("gardening" finds "garden"),
misspelt words are matched to the nearest words in the index ("gardning" finds "gardening"), and
everyday synonyms are expanded ("PA" also looks for "personal assistant"). Every word that carries
meaning must match; filler words ("help", "support", "someone") only improve the ranking.
"""
from . import sequence
from .engine import CatalogueIndex, get_index, search
from .language import normalise_query
from .query import MAX_PAGE_SIZE, PAGE_SIZE, SORTS, Hit, SearchRequest, SearchResults
from .schema import IndexedListing, build_schema, document, document_for, price_field

__all__ = ["CatalogueIndex", "Hit", "IndexedListing", "MAX_PAGE_SIZE", "PAGE_SIZE", "SORTS", "SearchRequest",
           "SearchResults", "build_schema", "document", "document_for", "get_index", "normalise_query", "price_field",
           "search", "sequence"]
