"""The index on disk and searching it: one Whoosh index directory per ``SEARCH_INDEX_DIR``, a
cached searcher refreshed when the index changes, writing and rebuilding, and ``search``.

The database is the truth; this index sits beside it. Listing changes reach it after each
commit (``catalogue.indexing``) and ``flask catalogue reindex`` rebuilds it from the database.
"""
from __future__ import annotations

import os
import shutil
import threading

from whoosh import index as whoosh_index
from whoosh.fields import NUMERIC

from .bits import and_masks
from .masks import facet_counts, reader_data
from .query import MAX_PAGE_SIZE, SORTS, Hit, SearchRequest, SearchResults, filter_parts, text_query
from .ranking import ranked
from .schema import build_schema, price_field


class CatalogueIndex:
    """One Whoosh index directory, with a cached searcher refreshed when the index changes."""

    def __init__(self, directory: str):
        self.directory = directory
        self._lock = threading.Lock()
        self._searcher = None
        self._vocabulary: dict | None = None
        self._vocabulary_generation = None

    # writing

    def exists(self) -> bool:
        return whoosh_index.exists_in(self.directory)

    def create(self, council_slugs: list[str]):
        os.makedirs(self.directory, exist_ok=True)
        with self._lock:
            self._close_searcher()
            return whoosh_index.create_in(self.directory, build_schema(council_slugs))

    def open(self, council_slugs: list[str]):
        if not self.exists():
            return self.create(council_slugs)
        ix = whoosh_index.open_dir(self.directory)
        missing = [s for s in council_slugs if price_field(s) not in ix.schema]
        if missing:  # a council added since the index was made: add its price field
            writer = ix.writer(timeout=10)
            for slug in missing:
                writer.add_field(price_field(slug), NUMERIC(bits=64, sortable=True, signed=False))
            writer.commit()
            ix = whoosh_index.open_dir(self.directory)
        return ix

    def write(self, council_slugs: list[str], upserts: list[dict], deletes: list[str]) -> None:
        """Add or replace ``upserts`` and remove ``deletes`` (listing ids as strings) in one commit."""
        if not upserts and not deletes:
            return
        ix = self.open(council_slugs)
        writer = ix.writer(timeout=30)
        try:
            for listing_id in deletes:
                writer.delete_by_term("id", listing_id)
            for doc in upserts:
                writer.update_document(**doc)
        except Exception:
            writer.cancel()
            raise
        writer.commit()

    def rebuild(self, council_slugs: list[str], documents) -> int:
        """Replace the whole index with ``documents``; returns how many were written."""
        tmp_dir = self.directory.rstrip("/") + ".rebuilding"
        shutil.rmtree(tmp_dir, ignore_errors=True)
        os.makedirs(tmp_dir)
        ix = whoosh_index.create_in(tmp_dir, build_schema(council_slugs))
        writer = ix.writer(limitmb=256)
        count = 0
        for doc in documents:
            writer.add_document(**doc)
            count += 1
        writer.commit()
        with self._lock:
            self._close_searcher()
            old_dir = self.directory.rstrip("/") + ".old"
            shutil.rmtree(old_dir, ignore_errors=True)
            if os.path.exists(self.directory):
                os.rename(self.directory, old_dir)
            os.rename(tmp_dir, self.directory)
            shutil.rmtree(old_dir, ignore_errors=True)
        return count

    def clear(self) -> None:
        with self._lock:
            self._close_searcher()
            shutil.rmtree(self.directory, ignore_errors=True)

    def doc_count(self) -> int:
        if not self.exists():
            return 0
        return whoosh_index.open_dir(self.directory).doc_count()

    def indexed_ids(self) -> set[int]:
        if not self.exists():
            return set()
        with whoosh_index.open_dir(self.directory).searcher() as s:
            return {int(fields["id"]) for fields in s.all_stored_fields()}

    # reading

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = None
        self._vocabulary = None

    def searcher(self):
        with self._lock:
            if self._searcher is None:
                if not self.exists():
                    return None
                self._searcher = whoosh_index.open_dir(self.directory).searcher()
            elif not self._searcher.up_to_date():
                self._searcher = self._searcher.refresh()
            return self._searcher

    def vocabulary(self, searcher) -> dict[str, list[tuple[str, int]]]:
        """Indexed words by first letter, with document frequencies: for spelling correction."""
        generation = searcher.reader()
        if self._vocabulary is None or self._vocabulary_generation is not generation:
            vocab: dict[str, dict[str, int]] = {}
            reader = searcher.reader()
            for fieldname in ("title", "tags", "body", "org"):
                for btext in reader.lexicon(fieldname):
                    word = btext.decode("utf-8")
                    bucket = vocab.setdefault(word[:1], {})
                    bucket[word] = bucket.get(word, 0) + reader.doc_frequency(fieldname, word)
            self._vocabulary = {k: sorted(v.items(), key=lambda kv: -kv[1]) for k, v in vocab.items()}
            self._vocabulary_generation = generation
        return self._vocabulary


_indexes: dict[str, CatalogueIndex] = {}
_indexes_lock = threading.Lock()


def get_index(directory: str) -> CatalogueIndex:
    with _indexes_lock:
        if directory not in _indexes:
            _indexes[directory] = CatalogueIndex(directory)
        return _indexes[directory]


def search(ix: CatalogueIndex, request: SearchRequest, *, with_facets: bool = True) -> SearchResults:
    """Run ``request`` against the index. Unknown sort names fall back to relevance.

    Which documents match is worked out with bitmasks (one Python int per term or filter
    value, one bit per document, cached per index version), so totals, facet counts and
    filters are a few big-integer ANDs and popcounts. Relevance order adds up Whoosh's
    cached per-term scores for the matched documents only (``ranking.ranked``); the other orders
    come from cached column sort orders.
    """
    page_size = max(1, min(request.page_size, MAX_PAGE_SIZE))
    page = max(1, request.page)
    searcher = ix.searcher()
    if searcher is None:
        return SearchResults(0, page, page_size, [], {}, {})
    reader = searcher.reader()
    data = reader_data(reader)
    price_name = price_field(request.price_council_slug)
    if price_name not in searcher.schema:
        price_name = "price_public"
    corrections: dict[str, str] = {}
    query = (text_query(request.text, searcher, data, lambda: ix.vocabulary(searcher), corrections)
             if request.text.strip() else None)

    text_mask = data.mask(query, searcher) if query is not None else data.live
    parts = [(fieldname, data.mask(q, searcher)) for fieldname, q in filter_parts(request, price_name)]
    filter_mask = and_masks(m for _, m in parts) if parts else None
    matched = text_mask if filter_mask is None else text_mask & filter_mask
    total = matched.bit_count()

    sort = request.sort if request.sort in SORTS else "relevance"
    if sort == "relevance" and query is None:
        sort = "newest"
    limit = page * page_size
    start = (page - 1) * page_size
    if sort == "relevance":
        top = (ranked(searcher, data, query, matched, filter_mask, total, limit) if total else [])[start:start + page_size]
    else:
        sortname, reverse = {"price": (price_name, False), "rating": ("rating", True),
                             "newest": ("published", True)}[sort]
        column = data.column(sortname)
        top = [(d, float(column.values[d])) for d in column.top(matched, total, limit, reverse)[start:]]

    prices = data.column(price_name).values if reader.has_column(price_name) else None
    hits = [Hit(int(searcher.stored_fields(docnum)["id"]), score, int(prices[docnum]) if prices is not None else 0)
            for docnum, score in top]
    facets = facet_counts(data, matched, text_mask, parts, request) if with_facets else {}
    return SearchResults(total, page, page_size, hits, facets, corrections)

