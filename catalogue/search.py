"""The catalogue's Whoosh index: building it, keeping it in step, and searching it.

The database is the truth; this index sits beside it (directory ``SEARCH_INDEX_DIR``).
Listing changes reach it after each commit (``catalogue.indexing``) and
``flask catalogue reindex`` rebuilds it from the database.

Searching understands what budget holders type: words are stemmed ("gardening"
finds "garden"), misspelt words are matched to the nearest words in the index
("gardning" finds "gardening"), and everyday synonyms are expanded ("PA" also
looks for "personal assistant"). Every word that carries meaning must match;
filler words ("help", "support", "someone") only improve the ranking.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from datetime import datetime

from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.support.levenshtein import distance

from . import taxonomy

ANALYZER = StemmingAnalyzer(minsize=2)
TEXT_FIELDS = ("title", "org", "tags", "body")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 50

# Words people add that describe most listings: they rank but never exclude.
FILLER = {"help", "helper", "support", "service", "servic", "someon", "need", "want", "look", "find", "local",
          "near", "me", "my", "with", "for", "and", "the", "a", "an", "to", "in", "of", "on", "at", "some", "ani"}

# Everyday words and what listings call them. Keys and values are lower case; a value
# may be several words (matched as all of those words).
SYNONYMS: dict[str, list[str]] = {
    "pa": ["personal assistant"],
    "pas": ["personal assistant"],
    "personal assistant": ["pa"],
    "gym": ["fitness"],
    "fitness": ["gym"],
    "cleaner": ["domestic help", "cleaning"],
    "cleaning": ["cleaner", "domestic help"],
    "domestic help": ["cleaner", "cleaning"],
    "housework": ["domestic help", "cleaning"],
    "carer": ["care worker", "support worker"],
    "care worker": ["carer", "support worker"],
    "support worker": ["carer", "care worker"],
    "holiday": ["short break"],
    "respite": ["short break"],
    "short break": ["holiday", "respite"],
    "taxi": ["transport"],
    "lift": ["transport"],
    "computer": ["laptop", "computing"],
    "laptop": ["computer", "computing"],
    "counselling": ["talking therapy"],
    "therapy": ["counselling"],
    "befriending": ["befriender", "companionship"],
    "garden": ["gardening"],
    "peer broker": ["support planning"],
    "broker": ["support planning"],
    "advocate": ["advocacy"],
    "job": ["employment"],
    "work": ["employment"],
    "swim": ["swimming"],
}
_MAX_SYNONYM_WORDS = max(len(k.split()) for k in SYNONYMS)

SORTS = ("relevance", "price", "rating", "newest")
FACET_FIELDS = ("category", "outcome", "delivery", "access", "langs", "days", "kind")


def build_schema(council_slugs: list[str]) -> Schema:
    schema = Schema(
        id=ID(stored=True, unique=True),
        kind=ID,
        title=TEXT(analyzer=ANALYZER, field_boost=3.0),
        org=TEXT(analyzer=ANALYZER, field_boost=1.5),
        tags=TEXT(analyzer=ANALYZER, field_boost=2.0),  # category and outcome names, skills
        body=TEXT(analyzer=ANALYZER),
        category=ID,
        outcome=KEYWORD(commas=True),
        areas=KEYWORD(commas=True),
        councils=KEYWORD(commas=True),
        delivery=KEYWORD(commas=True),
        access=KEYWORD(commas=True),
        langs=KEYWORD(commas=True),
        days=KEYWORD(commas=True),
        free=BOOLEAN,
        price_public=NUMERIC(bits=64, sortable=True, signed=False),
        rating=NUMERIC(bits=32, sortable=True, signed=False),  # average rating times 10
        published=NUMERIC(bits=64, sortable=True, signed=False),
    )
    for slug in council_slugs:
        schema.add(price_field(slug), NUMERIC(bits=64, sortable=True, signed=False))
    return schema


def price_field(council_slug: str | None) -> str:
    """The index field holding the price a viewer in this council pays."""
    return f"price_{re.sub(r'[^a-z0-9]', '_', council_slug)}" if council_slug else "price_public"


# --- documents -----------------------------------------------------------------

def document_for(listing, councils) -> dict:
    """The index document for a published listing. ``councils``: every council, for its price fields."""
    organisation = listing.organisation
    approved = organisation.approved_council_ids() if organisation is not None else set()
    if listing.council_id is not None:
        approved = approved | {listing.council_id}
    category = taxonomy.categories().get(listing.category, {})
    outcome_words = [taxonomy.outcome_plain(code) for code in listing.outcomes]
    skills = listing.person.skills if listing.person is not None else []
    body_parts = [listing.summary or "", listing.description or "", category.get("examples") or ""]
    if listing.person is not None:
        body_parts += [listing.person.display_name, listing.person.lived_experience or ""]
    doc = {
        "id": str(listing.id),
        "kind": listing.kind,
        "title": listing.title,
        "org": organisation.name if organisation is not None else "",
        "tags": " ".join([category.get("name", ""), *outcome_words, *skills]),
        "body": "\n".join(body_parts),
        "category": listing.category,
        "outcome": ",".join(listing.outcomes),
        "areas": ",".join(listing.areas),
        "councils": ",".join(c.slug for c in councils if c.id in approved),
        "delivery": ",".join(listing.delivery_modes),
        "access": ",".join(listing.accessibility_features),
        "langs": ",".join(listing.languages),
        "days": ",".join(listing.days),
        "free": listing.is_free,
        "price_public": listing.price_pence or 0,
        "rating": int(round((listing.rating_average or 0) * 10)),
        "published": int((listing.published_at or listing.created_at).timestamp()),
    }
    for council in councils:
        if council.id in approved:
            agreed = listing.agreed_price_for(council.id)
            doc[price_field(council.slug)] = agreed.price_pence if agreed else (listing.price_pence or 0)
    return doc


# --- the index -----------------------------------------------------------------

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


# --- queries -------------------------------------------------------------------

@dataclass
class SearchRequest:
    text: str = ""
    council_slug: str | None = None  # whose prices and whose approved providers
    area: str | None = None  # a postcode district the listing must serve (or be online)
    categories: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    delivery: list[str] = field(default_factory=list)
    accessibility: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    days: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    price_min_pence: int | None = None
    price_max_pence: int | None = None
    free_only: bool = False
    sort: str = "relevance"
    page: int = 1
    page_size: int = PAGE_SIZE

    def filters(self) -> dict:
        """The filters in use, for the demand log and links (empty ones left out)."""
        data = {
            "categories": self.categories, "outcomes": self.outcomes, "delivery": self.delivery,
            "accessibility": self.accessibility, "languages": self.languages, "days": self.days, "kinds": self.kinds,
            "price_min_pence": self.price_min_pence, "price_max_pence": self.price_max_pence,
            "free_only": self.free_only or None,
        }
        return {k: v for k, v in data.items() if v}


@dataclass
class Hit:
    listing_id: int
    score: float
    price_pence: int


@dataclass
class SearchResults:
    total: int
    page: int
    page_size: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    corrections: dict[str, str]  # what was typed -> the word searched for instead

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def normalise_query(text: str) -> str:
    """Lower case, punctuation gone, single spaces: the form the demand log stores."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s'-]", " ", (text or "").lower())).strip()[:200]


def _words(text: str) -> list[str]:
    return [t.text for t in ANALYZER(text)]


def _field_or(word: str) -> Q.Query:
    return Q.Or([Q.Term(f, word) for f in TEXT_FIELDS])


def _concepts(text: str) -> list[list[list[str]]]:
    """Split typed text into concepts; each concept is a list of alternatives (lists of words).

    Synonym phrases are matched longest first on the raw words, so "personal assistant"
    becomes one concept with the alternatives [personal, assist] and [pa].
    """
    raw = normalise_query(text).split()
    concepts, i = [], 0
    while i < len(raw):
        for size in range(min(_MAX_SYNONYM_WORDS, len(raw) - i), 0, -1):
            phrase = " ".join(raw[i:i + size])
            if phrase in SYNONYMS:
                alternatives = [_words(phrase)] + [_words(s) for s in SYNONYMS[phrase]]
                concepts.append([a for a in alternatives if a])
                i += size
                break
        else:
            words = _words(raw[i])
            if words:
                concepts.append([words])
            i += 1
    return [c for c in concepts if c]


def _correct(word: str, searcher, ix: CatalogueIndex) -> str | None:
    """The most common indexed word within a small edit distance, for a word the index lacks."""
    if any(searcher.reader().doc_frequency(f, word) for f in TEXT_FIELDS):
        return None
    if len(word) < 4:
        return None
    maxdist = 1 if len(word) < 6 else 2
    for candidate, _freq in ix.vocabulary(searcher).get(word[:1], []):
        if abs(len(candidate) - len(word)) <= maxdist and distance(candidate, word, limit=maxdist) <= maxdist:
            return candidate
    return None


def _text_query(text: str, searcher, ix: CatalogueIndex, corrections: dict) -> Q.Query | None:
    required, optional = [], []
    for alternatives in _concepts(text):
        options = []
        for words in alternatives:
            parts = []
            for word in words:
                fixed = _correct(word, searcher, ix)
                if fixed:
                    corrections[word] = fixed
                    parts.append(Q.Or([_field_or(word), _field_or(fixed)]))
                else:
                    parts.append(_field_or(word))
            options.append(Q.And(parts) if len(parts) > 1 else parts[0])
        concept = Q.Or(options) if len(options) > 1 else options[0]
        is_filler = len(alternatives) == 1 and all(w in FILLER for w in alternatives[0])
        (optional if is_filler else required).append(concept)
    if not required and not optional:
        return None
    if not required:
        required, optional = optional, []
    core = Q.And(required) if len(required) > 1 else required[0]
    return Q.AndMaybe(core, Q.Or(optional)) if optional else core


def _any_of(fieldname: str, values: list[str]) -> Q.Query:
    return Q.Or([Q.Term(fieldname, v) for v in values])


def _filter_query(request: SearchRequest, price_name: str, *, skip: str | None = None) -> Q.Query | None:
    parts = []
    if request.council_slug:
        parts.append(Q.Term("councils", request.council_slug))
    if request.area:
        parts.append(Q.Or([Q.Term("areas", request.area), Q.Term("delivery", "online")]))
    for fieldname, values in (("category", request.categories), ("outcome", request.outcomes),
                              ("delivery", request.delivery), ("access", request.accessibility),
                              ("langs", request.languages), ("days", request.days), ("kind", request.kinds)):
        if values and fieldname != skip:
            parts.append(_any_of(fieldname, values))
    if request.free_only:
        parts.append(Q.Term("free", True))
    if request.price_min_pence is not None or request.price_max_pence is not None:
        parts.append(Q.NumericRange(price_name, request.price_min_pence, request.price_max_pence))
    if not parts:
        return None
    return Q.And(parts) if len(parts) > 1 else parts[0]


def search(ix: CatalogueIndex, request: SearchRequest, *, with_facets: bool = True) -> SearchResults:
    """Run ``request`` against the index. Unknown sort names fall back to relevance."""
    page_size = max(1, min(request.page_size, MAX_PAGE_SIZE))
    page = max(1, request.page)
    searcher = ix.searcher()
    if searcher is None:
        return SearchResults(0, page, page_size, [], {}, {})
    price_name = price_field(request.council_slug)
    if price_name not in searcher.schema:
        price_name = "price_public"
    corrections: dict[str, str] = {}
    text_query = _text_query(request.text, searcher, ix, corrections) if request.text.strip() else None
    query = text_query or Q.Every()
    filter_query = _filter_query(request, price_name)

    sort = request.sort if request.sort in SORTS else "relevance"
    if sort == "relevance" and text_query is None:
        sort = "newest"
    kwargs = {}
    if sort == "price":
        kwargs = {"sortedby": price_name}
    elif sort == "rating":
        kwargs = {"sortedby": "rating", "reverse": True}
    elif sort == "newest":
        kwargs = {"sortedby": "published", "reverse": True}

    results = searcher.search(query, filter=filter_query, limit=page * page_size, **kwargs)
    total = results.scored_length() if results.is_empty() else len(results)
    start = (page - 1) * page_size
    hits = []
    prices = searcher.reader().column_reader(price_name) if searcher.reader().has_column(price_name) else None
    for hit in results[start:start + page_size]:
        hits.append(Hit(int(hit["id"]), float(hit.score or 0.0), int(prices[hit.docnum]) if prices else 0))
    facets = _facet_counts(searcher, query, filter_query, request, price_name) if with_facets else {}
    return SearchResults(total, page, page_size, hits, facets, corrections)


def _facet_counts(searcher, query, filter_query, request: SearchRequest, price_name: str) -> dict[str, dict[str, int]]:
    """How many results each facet value would give, with every other filter applied.

    Each facet value's documents are kept as a bitmask (cached per index version), so a
    count is one AND and a popcount against the bitmask of the matching documents.
    """
    masks = _facet_masks(searcher)
    base = _docs_mask(searcher.search(query, filter=filter_query, limit=None, scored=False, sortedby=None).docs())
    counts: dict[str, dict[str, int]] = {}
    for fieldname in FACET_FIELDS:
        docs = base
        if fieldname_has_filter(request, fieldname):
            # A field with a filter of its own counts against the other filters only, so a
            # person can see what widening that filter would give.
            other = _filter_query(request, price_name, skip=fieldname)
            docs = _docs_mask(searcher.search(query, filter=other, limit=None, scored=False, sortedby=None).docs())
        values = {}
        if docs:
            for value, mask in masks.get(fieldname, {}).items():
                n = (mask & docs).bit_count()
                if n:
                    values[value] = n
        counts[fieldname] = values
    return counts


def _docs_mask(docnums) -> int:
    if not docnums:
        return 0
    bits = bytearray((max(docnums) >> 3) + 1)
    for d in docnums:
        bits[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(bits, "little")


_mask_cache: dict[str, object] = {"reader": None, "masks": None}
_mask_lock = threading.Lock()


def _facet_masks(searcher) -> dict[str, dict[str, int]]:
    """Bitmasks per facet value for this reader; rebuilt when the index changes."""
    reader = searcher.reader()
    with _mask_lock:
        if _mask_cache["reader"] is reader:
            return _mask_cache["masks"]

        cached = {}
        for fieldname in FACET_FIELDS:
            values = {}
            for btext in reader.lexicon(fieldname):
                values[btext.decode("utf-8")] = _docs_mask(list(reader.postings(fieldname, btext).all_ids()))
            cached[fieldname] = values
        _mask_cache["reader"], _mask_cache["masks"] = reader, cached
        return cached


def fieldname_has_filter(request: SearchRequest, fieldname: str) -> bool:
    return bool({"category": request.categories, "outcome": request.outcomes, "delivery": request.delivery,
                 "access": request.accessibility, "langs": request.languages, "days": request.days,
                 "kind": request.kinds}.get(fieldname))


def published_timestamp(moment: datetime | None) -> int:
    return int(moment.timestamp()) if moment else 0
