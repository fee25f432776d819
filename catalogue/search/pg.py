"""PostgreSQL full-text search behind the same interface as the Whoosh index (SEARCH_BACKEND=postgres).

Every node searches the same table, ``search_documents``: one row per public listing with the
Whoosh document's values as JSONB (lists for the many-valued fields) and its text already
stemmed by the same analyzer (``language.ANALYZER``), by weight: title (A), tags (B), provider
name (C), body (D). A generated ``tsv`` column (``to_tsvector('simple', ...)``: the words are stems
already, so PostgreSQL neither stems again nor drops words) has a GIN index; so has ``doc``, for
the filters (``doc @> '{"councils": ["aldermoor"]}'``). The table follows the change record as a
Whoosh index does (``catalogue.indexing``), its position in ``search_positions``, written in the
same transaction as the documents; an advisory lock makes one node write at a time.

Matching is the Whoosh backend's: the same concepts, synonyms and filler words (``language``), each
concept an OR of its alternatives, all required concepts ANDed. A word no document has is
corrected with ``pg_trgm``: documents whose title and tag words are similar (``<%``, the trigram GIN
index on the generated ``words`` column; the whole text made each typo take a second at 10,000
listings) give candidate words, and the most common one within Whoosh's edit distance is used.
Ranking is ``ts_rank`` with the field weights in Whoosh's proportions (3 : 2 : 1.5 : 1), then
listing id: the relevance tests' orders are Whoosh's BM25F orders, though the scores differ.
Facet counts (a query per search here) are cached (``marketplace.caching``, "facets") under the
documents' position in the change record and the request's words and filters.
"""
from __future__ import annotations

import json
import threading
import time
from collections import Counter
from contextlib import contextmanager

from sqlalchemy import text
from whoosh.support.levenshtein import distance

from marketplace import caching

from .engine import IndexBusy
from .language import FILLER, _correct_before_stemming, concepts, words
from .masks import fieldname_has_filter
from .query import MAX_PAGE_SIZE, SORTS, Hit, SearchRequest, SearchResults
from .schema import FACET_FIELDS, price_field

LIST_FIELDS = ("outcome", "areas", "councils", "delivery", "access", "langs", "days")
TEXT_COLUMNS = {"title": "title_words", "tags": "tags_words", "org": "org_words", "body": "body_words"}
WORDS = "words"  # the stemmed title and tag words (a generated column with the trigram index)
WEIGHTS = "'{0.33, 0.5, 0.67, 1.0}'"  # D (body), C (provider), B (tags), A (title): Whoosh's field boosts, scaled
STATE = "documents"
LOCK = "hashtext(current_schema() || '.search_documents')"
SIMILARITY = 0.3  # pg_trgm word similarity for a candidate correction
CANDIDATE_DOCUMENTS = 30
BATCH = 1000


def row_for(doc: dict) -> dict:
    """The ``search_documents`` row for a Whoosh document (``schema.document``)."""
    values = {k: v for k, v in doc.items() if k not in TEXT_COLUMNS and k != "id"}
    for name in LIST_FIELDS:
        values[name] = [v for v in (values.get(name) or "").split(",") if v]
    row = {"listing_id": int(doc["id"]), "doc": json.dumps(values)}
    for name, column in TEXT_COLUMNS.items():
        row[column] = " ".join(words(doc.get(name) or ""))
    return row


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "").replace("'", "''") + "'"


class PostgresIndex:
    """The shared documents as a search backend: writing, its position, and ``search``."""

    def __init__(self, engine):
        self.engine = engine
        self._local = threading.local()
        self._trgm_schema: str | None = None

    # writing (a transaction holding the advisory lock; everything in it commits together)

    @contextmanager
    def writing(self, wait: float = 0.0):
        with self.engine.connect() as conn, conn.begin():
            deadline = time.monotonic() + wait
            while not conn.execute(text(f"SELECT pg_try_advisory_xact_lock({LOCK})")).scalar():
                if time.monotonic() >= deadline:
                    raise IndexBusy("The search documents are being written by another node.")
                time.sleep(0.05)
            self._local.conn = conn
            try:
                yield
            finally:
                self._local.conn = None

    @contextmanager
    def _connection(self):
        held = getattr(self._local, "conn", None)
        if held is not None:
            yield held
        else:
            with self.engine.connect() as conn:
                yield conn

    def exists(self) -> bool:
        return True

    def read_state(self) -> dict | None:
        with self._connection() as conn:
            state = conn.execute(text("SELECT state FROM search_positions WHERE name = :n"), {"n": STATE}).scalar()
        return json.loads(state) if isinstance(state, str) else state

    def write_state(self, state: dict, path=None) -> None:
        with self._connection() as conn:
            conn.execute(text("INSERT INTO search_positions (name, state) VALUES (:n, CAST(:s AS json)) "
                              "ON CONFLICT (name) DO UPDATE SET state = excluded.state"),
                         {"n": STATE, "s": json.dumps(state)})

    def write(self, council_slugs: list[str], upserts: list[dict], deletes: list[str]) -> None:
        with self._connection() as conn:
            if deletes:
                conn.execute(text("DELETE FROM search_documents WHERE listing_id = ANY(:ids)"),
                             {"ids": [int(i) for i in deletes]})
            if upserts:
                conn.execute(text(
                    "INSERT INTO search_documents (listing_id, doc, title_words, tags_words, org_words, body_words) "
                    "VALUES (:listing_id, CAST(:doc AS jsonb), :title_words, :tags_words, :org_words, :body_words) "
                    "ON CONFLICT (listing_id) DO UPDATE SET doc = excluded.doc, title_words = excluded.title_words, "
                    "tags_words = excluded.tags_words, org_words = excluded.org_words, body_words = excluded.body_words"),
                    [row_for(doc) for doc in upserts])

    def rebuild(self, council_slugs: list[str], documents, *, then=None, state=None, locked: bool = False) -> int:
        """Replace every document in one transaction (searches see the old ones until it commits)."""
        if not locked:
            with self.writing(wait=300):
                return self.rebuild(council_slugs, documents, then=then, state=state, locked=True)
        with self._connection() as conn:
            conn.execute(text("DELETE FROM search_documents"))
        count, batch = 0, []
        for doc in documents:
            batch.append(doc)
            if len(batch) >= BATCH:
                self.write(council_slugs, batch, [])
                count, batch = count + len(batch), []
        self.write(council_slugs, batch, [])
        count += len(batch)
        if state is not None:
            self.write_state(state() if callable(state) else state)
        if then is not None:
            then()
        return count

    def stored(self) -> dict[int, dict]:
        with self._connection() as conn:
            rows = conn.execute(text("SELECT listing_id, doc FROM search_documents")).all()
        return {r.listing_id: (json.loads(r.doc) if isinstance(r.doc, str) else r.doc) for r in rows}

    def indexed_ids(self) -> set[int]:
        return set(self.stored())

    def doc_count(self) -> int:
        with self._connection() as conn:
            return conn.execute(text("SELECT count(*) FROM search_documents")).scalar()

    def clear(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text("DELETE FROM search_documents"))
            conn.execute(text("DELETE FROM search_positions WHERE name = :n"), {"n": STATE})

    # searching

    def search(self, request: SearchRequest, *, with_facets: bool = True) -> SearchResults:
        """Results are kept in the shared cache under the documents' version (``_version``), as the
        Whoosh backend keeps them per searcher: a repeated search costs one query until a change is applied."""
        with self.engine.connect() as conn:
            version = self._version(conn)
            return caching.remember("search", ("postgres", version, request.key(), with_facets),
                                    lambda: self._search(conn, request, with_facets, version))

    def _search(self, conn, request: SearchRequest, with_facets: bool, version: list) -> SearchResults:
        page_size = max(1, min(request.page_size, MAX_PAGE_SIZE))
        page = max(1, request.page)
        price_name = price_field(request.price_council_slug)
        corrections: dict[str, str] = {}
        match, rank = self._tsquery(conn, request.text, corrections) if request.text.strip() else (None, None)
        params: dict = {"match": match, "rank": rank}
        text_sql = "tsv @@ to_tsquery('simple', :match)" if match else "TRUE"
        parts = _filter_parts(request, price_name, params)
        where = " AND ".join([text_sql] + [sql for _, sql in parts])
        total = conn.execute(text(f"SELECT count(*) FROM search_documents WHERE {where}"), params).scalar()
        sort = request.sort if request.sort in SORTS else "relevance"
        if sort == "relevance" and match is None:
            sort = "newest"
        price = f"(doc->>'{price_name}')::bigint"
        score = f"ts_rank({WEIGHTS}, tsv, to_tsquery('simple', :rank), 1)" if rank else "0.0"
        order = {"relevance": "score DESC, listing_id", "price": f"{price} ASC NULLS FIRST, listing_id",
                 "rating": "(doc->>'rating')::int DESC, listing_id",
                 "newest": "(doc->>'published')::bigint DESC, listing_id"}[sort]
        rows = conn.execute(text(
            f"SELECT listing_id, {score} AS score, coalesce({price}, 0) AS price FROM search_documents "
            f"WHERE {where} ORDER BY {order} LIMIT :limit OFFSET :offset"),
            {**params, "limit": page_size, "offset": (page - 1) * page_size}).all()
        hits = [Hit(r.listing_id, float(r.score), int(r.price)) for r in rows]
        facets = (caching.remember("facets", ("postgres", version, match, request.filters(),
                                              request.council_slug, request.area, price_name),
                                   lambda: _facets(conn, text_sql, parts, params, request))
                  if with_facets else {})
        return SearchResults(total, page, page_size, hits, facets, corrections, json.dumps(version))

    @staticmethod
    def _version(conn) -> list:
        """What the documents hold, as far as the change record says: facet counts are cached under it
        (shared by every node through Redis), so the next applied change gives new counts."""
        state = conn.execute(text("SELECT state FROM search_positions WHERE name = :n"), {"n": STATE}).scalar()
        state = json.loads(state) if isinstance(state, str) else (state or {})
        above = state.get("above") or []
        return [state.get("position", 0), len(above), above[-1] if above else 0]

    def _tsquery(self, conn, typed: str, corrections: dict) -> tuple[str | None, str | None]:
        """The text as (what must match, what ranks): every concept that carries meaning is required,
        filler words only rank, as ``query.text_query`` builds it for Whoosh."""
        required, optional = [], []
        for alternatives in concepts(typed):
            options = []
            for group in alternatives:
                terms = []
                for word in group:
                    fixed = self._correct(conn, word)
                    if fixed:
                        corrections[word] = fixed
                        terms.append(f"({_lexeme(word)} | {_lexeme(fixed)})")
                    else:
                        terms.append(_lexeme(word))
                options.append("(" + " & ".join(terms) + ")")
            concept = "(" + " | ".join(options) + ")"
            is_filler = len(alternatives) == 1 and all(w in FILLER for w in alternatives[0])
            (optional if is_filler else required).append(concept)
        if not required and not optional:
            return None, None
        if not required:
            required, optional = optional, []
        return " & ".join(required), " | ".join(required + optional)

    def _correct(self, conn, word: str) -> str | None:
        """The most common similar word in documents pg_trgm finds similar, for a word no document has."""
        if len(word) < 4 or conn.execute(text(
                "SELECT EXISTS (SELECT 1 FROM search_documents WHERE tsv @@ to_tsquery('simple', :q))"),
                {"q": _lexeme(word)}).scalar():
            return None
        trgm = self._trgm(conn)
        conn.execute(text("SELECT set_config('pg_trgm.word_similarity_threshold', :t, false)"), {"t": str(SIMILARITY)})
        texts = conn.execute(text(
            f'SELECT {WORDS} FROM search_documents WHERE :w OPERATOR("{trgm}".<%) {WORDS} '
            f'ORDER BY :w OPERATOR("{trgm}".<<->) {WORDS} LIMIT {CANDIDATE_DOCUMENTS}'), {"w": word}).scalars().all()
        frequency = Counter(w for t in texts for w in set(t.split()))
        vocabulary: dict[str, list[tuple[str, int]]] = {}
        for candidate, n in frequency.most_common():
            vocabulary.setdefault(candidate[:1], []).append((candidate, n))
        maxdist = 1 if len(word) < 6 else 2
        for candidate, _n in vocabulary.get(word[:1], []):
            if abs(len(candidate) - len(word)) <= maxdist and distance(candidate, word, limit=maxdist) <= maxdist:
                return candidate
        return _correct_before_stemming(word, vocabulary)

    def _trgm(self, conn) -> str:
        """The schema pg_trgm was installed in (its operators are named with it: tests' search_path lacks it)."""
        if self._trgm_schema is None:
            self._trgm_schema = conn.execute(text(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                "WHERE e.extname = 'pg_trgm'")).scalar_one()
        return self._trgm_schema


def _contains(params: dict, value: dict) -> str:
    name = f"p{len(params)}"
    params[name] = json.dumps(value)
    return f"doc @> CAST(:{name} AS jsonb)"


def _filter_parts(request: SearchRequest, price_name: str, params: dict) -> list[tuple[str | None, str]]:
    """The filters as (facet field the filter is on, or None; SQL) pairs, as ``query.filter_parts``."""
    parts: list[tuple[str | None, str]] = []
    if request.council_slug:
        parts.append((None, _contains(params, {"councils": [request.council_slug]})))
    if request.area:
        parts.append((None, f"({_contains(params, {'areas': [request.area]})} "
                            f"OR {_contains(params, {'delivery': ['online']})})"))
    for fieldname, values in (("category", request.categories), ("outcome", request.outcomes),
                              ("delivery", request.delivery), ("access", request.accessibility),
                              ("langs", request.languages), ("days", request.days), ("kind", request.kinds)):
        if values:
            each = [_contains(params, {fieldname: v if fieldname in ("category", "kind") else [v]}) for v in values]
            parts.append((fieldname, "(" + " OR ".join(each) + ")"))
    if request.free_only:
        parts.append((None, _contains(params, {"free": True})))
    for bound, operator in ((request.price_min_pence, ">="), (request.price_max_pence, "<=")):
        if bound is not None:
            name = f"p{len(params)}"
            params[name] = bound
            parts.append((None, f"(doc->>'{price_name}')::bigint {operator} :{name}"))
    if request.min_stars:
        params[f"p{len(params)}"] = request.min_stars * 10
        parts.append((None, f"(doc->>'stars')::int >= :p{len(params) - 1}"))
    return parts


def _facets(conn, text_sql: str, parts, params: dict, request: SearchRequest) -> dict[str, dict[str, int]]:
    """Each facet value's count with every other filter applied (a field's own filter left out), in one query."""
    selects = []
    for fieldname in FACET_FIELDS:
        kept = [sql for field, sql in parts if not (fieldname_has_filter(request, fieldname) and field == fieldname)]
        where = " AND ".join([text_sql] + kept)
        if fieldname in LIST_FIELDS:
            selects.append(f"SELECT '{fieldname}' AS field, v AS value, count(*) AS n FROM search_documents, "
                           f"jsonb_array_elements_text(doc->'{fieldname}') AS v WHERE {where} GROUP BY v")
        else:
            selects.append(f"SELECT '{fieldname}' AS field, doc->>'{fieldname}' AS value, count(*) AS n "
                           f"FROM search_documents WHERE {where} GROUP BY 2")
    counts: dict[str, dict[str, int]] = {name: {} for name in FACET_FIELDS}
    for row in conn.execute(text(" UNION ALL ".join(selects)), params):
        if row.value:
            counts[row.field][row.value] = int(row.n)
    return counts


_indexes: dict[int, PostgresIndex] = {}
_indexes_lock = threading.Lock()


def postgres_index(engine) -> PostgresIndex:
    """The backend for this engine. SEARCH_BACKEND=postgres needs a PostgreSQL database: anything else fails here."""
    if engine.dialect.name != "postgresql":
        raise RuntimeError(f"SEARCH_BACKEND=postgres needs a PostgreSQL database, but the database is "
                           f"{engine.dialect.name}. Use SEARCH_BACKEND=whoosh (the default) with SQLite.")
    with _indexes_lock:
        if id(engine) not in _indexes:
            _indexes[id(engine)] = PostgresIndex(engine)
        return _indexes[id(engine)]
