"""The index on disk and searching it: one Whoosh index per ``SEARCH_INDEX_DIR``, a cached
searcher that notices a new index, writing and rebuilding, and ``search``.

The database is the truth; this index sits beside it. Listing changes reach it through the
change record (``catalogue.indexing``; its position is ``SEQUENCE.json`` in the generation) and
``flask catalogue reindex`` rebuilds it from the database.

Layout: ``SEARCH_INDEX_DIR/CURRENT`` names the live generation, a directory ``gen-<uuid>`` beside
it. A rebuild writes a new generation aside and swaps ``CURRENT`` with one atomic rename, so a
reader never sees a half-built index or no index at all, and a worker notices a rebuilt index by
its name (its identity), never by Whoosh's generation number, which starts again at 1. The
previous generation is kept until the next rebuild so searches already reading it can finish.
Every writer (an update or a rebuild) holds ``WRITE.lock`` (an ``flock``, across processes).
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from contextlib import contextmanager

from whoosh import index as whoosh_index
from whoosh.reading import ReaderClosed

from marketplace import caching

from .bits import and_masks
from .masks import facet_counts, reader_data
from .query import MAX_PAGE_SIZE, SORTS, Hit, SearchRequest, SearchResults, filter_parts, text_query
from .ranking import ranked
from .schema import build_schema, price_field

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
STATE_FILE = "SEQUENCE.json"  # in each generation: where it stands in the change record (see ``sequence``)
# A rebuild writes with one process per core (Whoosh's multiprocessing writer, each its own
# segment, not merged: merging costs as much again and searching several segments is as fast),
# each with this much memory before it flushes to disk.
BUILD_PROCS = max(1, min(4, os.cpu_count() or 1))
BUILD_LIMIT_MB = 256
LOCK_FILE = "WRITE.lock"
GENERATION_PREFIX = "gen-"
# What a searcher meets when the files under it were replaced or closed: it reopens and tries once more.
STALE_READER_ERRORS = (OSError, ReaderClosed, whoosh_index.EmptyIndexError)
# Results kept per searcher, by request: popular searches repeat (the same words, filters and page),
# and an answer depends only on the request and the index's contents, which a searcher fixes.
RESULTS_KEPT = 1000


class IndexBusy(Exception):
    """Another process holds the index's writer lock (a rebuild, usually); the change waits in the change record."""


class SearchUnavailable(Exception):
    """The index could not be read even after reopening it."""


class CatalogueIndex:
    """One index directory: its live generation, a writer lock, and a cached searcher."""

    def __init__(self, directory: str):
        self.directory = directory.rstrip("/")
        self._lock = threading.Lock()
        self._searcher = None
        self._searcher_identity: str | None = None
        self._retired = None  # the searcher replaced last, closed at the next replacement
        self._vocabulary: dict | None = None
        self._vocabulary_generation = None
        self._results: OrderedDict = OrderedDict()  # (request, with_facets) -> SearchResults, for ``_results_of``
        self._results_of = None
        self._live_name: str | None = None  # the generation CURRENT last named that had an index

    # where the live index is

    def live_directory(self) -> str | None:
        """The live generation's directory, or None when there is no index yet."""
        try:
            with open(os.path.join(self.directory, CURRENT), encoding="utf-8") as f:
                name = f.read().strip()
        except FileNotFoundError:
            return None
        if name == self._live_name:  # checked already: a generation's name is never used twice
            return os.path.join(self.directory, name)
        path = os.path.join(self.directory, name)
        if name.startswith(GENERATION_PREFIX) and whoosh_index.exists_in(path):
            self._live_name = name
            return path
        return None

    def exists(self) -> bool:
        return self.live_directory() is not None

    def _new_generation(self, council_slugs: list[str]) -> tuple[str, object]:
        os.makedirs(self.directory, exist_ok=True)
        path = os.path.join(self.directory, f"{GENERATION_PREFIX}{uuid.uuid4().hex}")
        os.makedirs(path)
        return path, whoosh_index.create_in(path, build_schema(council_slugs))

    def _point_at(self, path: str) -> None:
        """Make ``path`` the live generation in one atomic step; drop generations older than the last."""
        previous = self.live_directory()
        pointer = os.path.join(self.directory, f"{CURRENT}.{uuid.uuid4().hex}")
        with open(pointer, "w", encoding="utf-8") as f:
            f.write(os.path.basename(path))
            f.flush()
            os.fsync(f.fileno())
        os.replace(pointer, os.path.join(self.directory, CURRENT))
        keep = {os.path.basename(path), os.path.basename(previous or "")}
        for name in os.listdir(self.directory):
            if name.startswith(GENERATION_PREFIX) and name not in keep:
                shutil.rmtree(os.path.join(self.directory, name), ignore_errors=True)

    # writing

    @contextmanager
    def writing(self, wait: float = 0.0):
        """Hold the writer lock (across processes) for the block; raise IndexBusy after ``wait`` seconds."""
        os.makedirs(self.directory, exist_ok=True)
        with open(os.path.join(self.directory, LOCK_FILE), "a+b") as handle:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusy("The search index is being written by another process.") from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def open(self, council_slugs: list[str]):
        """The live index, made if there is none, with a price field for every council. Call while writing."""
        path = self.live_directory()
        if path is None:
            path, ix = self._new_generation(council_slugs)
            self._point_at(path)
            return ix
        ix = whoosh_index.open_dir(path)
        wanted = build_schema(council_slugs)
        missing = [name for name in wanted.names() if name not in ix.schema]
        if missing:  # a council added since the index was made (its price field), or a field added in a release
            writer = ix.writer(timeout=10)
            for name in missing:
                writer.add_field(name, wanted[name])
            writer.commit()
            ix = whoosh_index.open_dir(path)
        return ix

    def write(self, council_slugs: list[str], upserts: list[dict], deletes: list[str]) -> None:
        """Add or replace ``upserts`` and remove ``deletes`` (listing ids as strings) in one commit.
        The caller holds ``writing()``."""
        if not upserts and not deletes:
            return
        ix = self.open(council_slugs)
        writer = ix.writer(timeout=30)
        try:
            for listing_id in deletes:
                writer.delete_by_term("id", listing_id)
            for doc in upserts:
                writer.update_document(**doc)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def read_state(self) -> dict | None:
        """The live generation's position in the change record, or None (no index, or none recorded)."""
        path = self.live_directory()
        if path is None:
            return None
        try:
            with open(os.path.join(path, STATE_FILE), encoding="utf-8") as f:
                return json.load(f)
        except (FileNotFoundError, ValueError):
            return None

    def write_state(self, state: dict, path: str | None = None) -> None:
        """Record the position, atomically (a new file renamed over the old). The caller holds ``writing()``."""
        path = path or self.live_directory()
        if path is None:
            return
        temporary = os.path.join(path, f"{STATE_FILE}.{uuid.uuid4().hex}")
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(state, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, os.path.join(path, STATE_FILE))

    def rebuild(self, council_slugs: list[str], documents, *, then=None, state=None, locked: bool = False) -> int:
        """Build a new generation from ``documents`` aside, then make it live; returns how many were written.

        Holds the writer lock throughout (``locked``: the caller holds it already), so updates made
        meanwhile wait in the change record; ``state`` (a dict, or a callable called after the
        documents are read) is the new generation's position in it, written before the swap;
        ``then`` (if given) runs after the swap, still under the lock, to catch up. A failed build
        is removed and the live index is left as it was.
        """
        if not locked:
            with self.writing(wait=300):
                return self.rebuild(council_slugs, documents, then=then, state=state, locked=True)
        path, ix = self._new_generation(council_slugs)
        try:
            count = self._build(ix, documents)
            if state is not None:
                self.write_state(state() if callable(state) else state, path)
            self._point_at(path)
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        if then is not None:
            then()
        return count

    @staticmethod
    def _build(ix, documents) -> int:
        """Write every document into the new generation; small builds use one process (no start-up cost)."""
        documents = iter(documents)
        first = []
        for doc in documents:
            first.append(doc)
            if len(first) >= 2000:
                break
        procs = BUILD_PROCS if len(first) >= 2000 else 1
        writer = (ix.writer(procs=procs, limitmb=BUILD_LIMIT_MB, multisegment=True) if procs > 1
                  else ix.writer(limitmb=BUILD_LIMIT_MB))
        count = 0
        try:
            for doc in first:
                writer.add_document(**doc)
                count += 1
            for doc in documents:
                writer.add_document(**doc)
                count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def clear(self) -> None:
        with self._lock:
            self._close_searchers()
            shutil.rmtree(self.directory, ignore_errors=True)

    def doc_count(self) -> int:
        path = self.live_directory()
        return whoosh_index.open_dir(path).doc_count() if path else 0

    def stored(self) -> dict[int, dict]:
        """Every indexed listing's stored fields, by listing id."""
        path = self.live_directory()
        if path is None:
            return {}
        with whoosh_index.open_dir(path).searcher() as s:
            return {int(fields["id"]): fields for fields in s.all_stored_fields()}

    def indexed_ids(self) -> set[int]:
        return set(self.stored())

    # reading

    def _close_searchers(self) -> None:
        for searcher in (self._retired, self._searcher):
            if searcher is not None:
                try:
                    searcher.close()
                except Exception:  # noqa: BLE001  (its files may be gone already)
                    pass
        self._searcher = self._retired = None
        self._searcher_identity = None
        self._vocabulary = None
        self._results, self._results_of = OrderedDict(), None
        self._live_name = None

    def _replace_searcher(self, searcher, identity) -> None:
        """Keep the one being replaced open until the next replacement: a search in another thread
        may still be reading it."""
        if self._retired is not None and self._retired is not searcher:
            try:
                self._retired.close()
            except Exception:  # noqa: BLE001
                pass
        self._retired = self._searcher if self._searcher is not searcher else self._retired
        # Results from it carry this (SearchResults.index_version): the generation's unique name and
        # Whoosh's commit number, the same for every worker reading this index, new at every change.
        searcher.sm_version = f"{os.path.basename(identity)}:{searcher.reader().generation()}"
        self._searcher, self._searcher_identity = searcher, identity

    def searcher(self):
        """The searcher for the live index: reopened when a rebuild made a new one, refreshed when
        updates were committed to it."""
        with self._lock:
            path = self.live_directory()
            if path is None:
                return None
            if self._searcher is None or self._searcher_identity != path:
                self._replace_searcher(whoosh_index.open_dir(path).searcher(), path)
            elif not self._searcher.up_to_date():
                self._replace_searcher(whoosh_index.open_dir(path).searcher(), path)
            return self._searcher

    def forget_searcher(self) -> None:
        """Drop the cached searcher (it met a vanished or closed file); the next search reopens."""
        with self._lock:
            self._close_searchers()

    def remembered(self, searcher, key):
        """The results this searcher gave for ``key`` before, or None. Exact: a change to the index
        makes a new searcher, and with it an empty memory."""
        with self._lock:
            if self._results_of is not searcher:
                return None
            found = self._results.get(key)
            if found is not None:
                self._results.move_to_end(key)
            return found

    def remember(self, searcher, key, results) -> None:
        with self._lock:
            if self._results_of is not searcher:
                if searcher is not self._searcher:
                    return  # replaced while this search ran
                self._results, self._results_of = OrderedDict(), searcher
            self._results[key] = results
            while len(self._results) > RESULTS_KEPT:
                self._results.popitem(last=False)

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

    A searcher whose files vanished or were closed under it (a rebuild elsewhere) is dropped and
    the index reopened once; if that fails too, SearchUnavailable.

    Which documents match is worked out with bitmasks (one Python int per term or filter
    value, one bit per document, cached per index version), so totals, facet counts and
    filters are a few big-integer ANDs and popcounts. Relevance order adds up Whoosh's
    cached per-term scores for the matched documents only (``ranking.ranked``); the other orders
    come from cached column sort orders.
    """
    if not isinstance(ix, CatalogueIndex):  # another backend (``pg.PostgresIndex``) behind the same interface
        return ix.search(request, with_facets=with_facets)
    try:
        return _search(ix, request, with_facets)
    except STALE_READER_ERRORS as error:
        log.warning("Search index reader failed (%s: %s); reopening the index", type(error).__name__, error)
        ix.forget_searcher()
    try:
        return _search(ix, request, with_facets)
    except STALE_READER_ERRORS as error:
        ix.forget_searcher()
        raise SearchUnavailable(str(error)) from error


def _search(ix: CatalogueIndex, request: SearchRequest, with_facets: bool) -> SearchResults:
    page_size = max(1, min(request.page_size, MAX_PAGE_SIZE))
    page = max(1, request.page)
    searcher = ix.searcher()
    if searcher is None:
        return SearchResults(0, page, page_size, [], {}, {})
    key = (request.key(), page, page_size, with_facets)
    found = ix.remembered(searcher, key)
    if found is not None:
        return found
    # then the shared cache, where another worker reading the same index may have put it
    results = caching.remember("search", (searcher.sm_version, key),
                               lambda: _run(searcher, ix, request, page, page_size, with_facets))
    ix.remember(searcher, key, results)
    return results


def _run(searcher, ix: CatalogueIndex, request: SearchRequest, page: int, page_size: int, with_facets: bool) -> SearchResults:
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
    return SearchResults(total, page, page_size, hits, facets, corrections, searcher.sm_version)

