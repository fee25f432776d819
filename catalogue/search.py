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

import operator
import os
import re
import shutil
import struct
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import compress, repeat

from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.analysis import StemmingAnalyzer
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.columns import NumericColumn
from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.idsets import DocIdSet
from whoosh.lang.snowball.english import EnglishStemmer
from whoosh.matching import ArrayUnionMatcher, NullMatcherClass, WrappingMatcher
from whoosh.matching.binary import AndMaybeMatcher, IntersectionMatcher, UnionMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25FScorer
from whoosh.support.levenshtein import distance

from marketplace import taxonomy

# Snowball's English stemmer, not Whoosh's default Porter: Porter keeps doubled consonants
# ("swimming" -> "swimm"), so "swimming" would miss "swim". Changing the analyzer needs a
# `flask catalogue reindex`.
ANALYZER = StemmingAnalyzer(stemfn=EnglishStemmer().stem, minsize=2)
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
    council_slug: str | None = None  # whose approved providers (and area) the results come from
    # Whose agreed rates set the prices shown, sorted and filtered. Only for people the council
    # funds or employs: an anonymous visitor who picks a council still sees public prices.
    price_council_slug: str | None = None
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
    """The most common indexed word within a small edit distance, for a word the index lacks.

    Answers are remembered per index version (the same word always gets the same answer
    until the index changes).
    """
    data = _reader_data(searcher.reader())
    try:
        return data.corrections[word]
    except KeyError:
        pass
    fixed = _find_correction(word, searcher, ix, data)
    if len(data.corrections) >= _MAX_CACHED_CORRECTIONS:
        data.corrections.clear()
    data.corrections[word] = fixed
    return fixed


def _find_correction(word: str, searcher, ix: CatalogueIndex, data: "_ReaderData") -> str | None:
    if any(searcher.reader().doc_frequency(f, word) for f in TEXT_FIELDS):
        return None
    if len(word) < 4:
        return None
    maxdist = 1 if len(word) < 6 else 2
    length, letters = len(word), _letters(word)
    # Candidates in the vocabulary's order (most frequent first). A word within edit distance
    # d differs from this one in at most 2d distinct letters, so most candidates are ruled out
    # by comparing letter bitmasks before the (slow) edit distance is computed.
    for candidate, candidate_length, candidate_letters in data.vocabulary_bucket(searcher, ix, word[:1]):
        if (abs(candidate_length - length) <= maxdist and (candidate_letters ^ letters).bit_count() <= 2 * maxdist
                and distance(candidate, word, limit=maxdist) <= maxdist):
            return candidate
    return _correct_before_stemming(word, ix.vocabulary(searcher))


_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def _correct_before_stemming(word: str, vocabulary: dict[str, list[tuple[str, int]]]) -> str | None:
    """A misspelt word the stemmer could not shorten ("persnal") is compared with the index's
    stems ("person") too far apart to match. Try every one-letter edit of the typed word
    instead, stem each, and keep the most frequent stem the index has."""
    best, best_freq = None, 0
    for edited in _edits1(word):
        stems = _words(edited)
        if len(stems) != 1 or stems[0] == word:
            continue
        stem = stems[0]
        freq = dict(vocabulary.get(stem[:1], [])).get(stem, 0)
        if freq > best_freq:
            best, best_freq = stem, freq
    return best


def _edits1(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _ALPHABET]
    inserts = [a + c + b for a, b in splits for c in _ALPHABET]
    return set(deletes + transposes + replaces + inserts)


def _letters(word: str) -> int:
    """A bitmask of the letters in ``word`` (other characters share bits, which only loosens the test)."""
    mask = 0
    for ch in word:
        mask |= 1 << (ord(ch) % 61)
    return mask


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


class _NumericRange(Q.NumericRange):
    """``NumericRange`` that splits the range into index terms correctly.

    Whoosh 2.7.4's ``split_ranges`` wraps below zero for ranges near the bottom of an
    unsigned field (every price range in pence), and the query it builds then matches
    prices far outside the range. This is the same tiered-term query with the split
    done as Lucene does it.
    """

    def _compile_query(self, ixreader):
        from whoosh.fields import NUMERIC
        from whoosh.query.compound import Or
        from whoosh.query.qcore import NullQuery
        from whoosh.query.ranges import TermRange
        from whoosh.query.terms import Term
        from whoosh.query.wrappers import ConstantScoreQuery
        from whoosh.util.numeric import to_sortable

        field = ixreader.schema[self.fieldname]
        if not isinstance(field, NUMERIC):
            raise Exception("NumericRange: field %r is not numeric" % self.fieldname)
        start, end = _sortable_bounds(field, self.start, self.end, self.startexcl, self.endexcl, to_sortable)
        if start > end:
            return NullQuery
        ranges = _split_ranges(field.bits, field.shift_step, start, end) if field.shift_step else [(start, end, 0)]
        stb = field.sortable_to_bytes
        subqueries = [Term(self.fieldname, stb(lo, shift)) if lo == hi
                      else TermRange(self.fieldname, stb(lo, shift), stb(hi, shift))
                      for lo, hi, shift in ranges]
        q = subqueries[0] if len(subqueries) == 1 else Or(subqueries, boost=self.boost)
        if self.constantscore:
            q = ConstantScoreQuery(q, self.boost)
        return q


def _sortable_bounds(field, start, end, startexcl, endexcl, to_sortable) -> tuple[int, int]:
    if start is None:
        start = 0
    else:
        start = to_sortable(field.numtype, field.bits, field.signed, field.prepare_number(start)) + (1 if startexcl else 0)
    if end is None:
        end = 2 ** field.bits - 1
    else:
        end = to_sortable(field.numtype, field.bits, field.signed, field.prepare_number(end)) - (1 if endexcl else 0)
    return start, end


def _split_ranges(bits: int, step: int, start: int, end: int) -> list[tuple[int, int, int]]:
    """(low, high, shift) term ranges covering exactly start..end (Lucene's splitRange)."""
    ranges, shift, top = [], 0, (1 << bits) - 1
    while True:
        diff = 1 << (shift + step)
        mask = ((1 << step) - 1) << shift
        has_lower = (start & mask) != 0
        has_upper = (end & mask) != mask
        next_start = ((start + diff) if has_lower else start) & ~mask
        next_end = ((end - diff) if has_upper else end) & ~mask
        if shift + step >= bits or next_start > next_end or next_start > top or next_end < 0:
            ranges.append((start, end | ((1 << shift) - 1), shift))
            return ranges
        if has_lower:
            ranges.append((start, start | mask | ((1 << shift) - 1), shift))
        if has_upper:
            ranges.append((end & ~mask, end | ((1 << shift) - 1), shift))
        start, end, shift = next_start, next_end, shift + step


def _filter_parts(request: SearchRequest, price_name: str) -> list[tuple[str | None, Q.Query]]:
    """The filters as (facet field the filter is on, or None; query) pairs."""
    parts: list[tuple[str | None, Q.Query]] = []
    if request.council_slug:
        parts.append((None, Q.Term("councils", request.council_slug)))
    if request.area:
        parts.append((None, Q.Or([Q.Term("areas", request.area), Q.Term("delivery", "online")])))
    for fieldname, values in (("category", request.categories), ("outcome", request.outcomes),
                              ("delivery", request.delivery), ("access", request.accessibility),
                              ("langs", request.languages), ("days", request.days), ("kind", request.kinds)):
        if values:
            parts.append((fieldname, _any_of(fieldname, values)))
    if request.free_only:
        parts.append((None, Q.Term("free", True)))
    if request.price_min_pence is not None or request.price_max_pence is not None:
        parts.append((None, _NumericRange(price_name, request.price_min_pence, request.price_max_pence)))
    return parts


def search(ix: CatalogueIndex, request: SearchRequest, *, with_facets: bool = True) -> SearchResults:
    """Run ``request`` against the index. Unknown sort names fall back to relevance.

    Which documents match is worked out with bitmasks (one Python int per term or filter
    value, one bit per document, cached per index version), so totals, facet counts and
    filters are a few big-integer ANDs and popcounts. Relevance order adds up Whoosh's
    cached per-term scores for the matched documents only (``_ranked``); the other orders
    come from cached column sort orders.
    """
    page_size = max(1, min(request.page_size, MAX_PAGE_SIZE))
    page = max(1, request.page)
    searcher = ix.searcher()
    if searcher is None:
        return SearchResults(0, page, page_size, [], {}, {})
    reader = searcher.reader()
    data = _reader_data(reader)
    price_name = price_field(request.price_council_slug)
    if price_name not in searcher.schema:
        price_name = "price_public"
    corrections: dict[str, str] = {}
    text_query = _text_query(request.text, searcher, ix, corrections) if request.text.strip() else None

    text_mask = data.mask(text_query, searcher) if text_query is not None else data.live
    parts = [(fieldname, data.mask(q, searcher)) for fieldname, q in _filter_parts(request, price_name)]
    filter_mask = _and_masks(m for _, m in parts) if parts else None
    matched = text_mask if filter_mask is None else text_mask & filter_mask
    total = matched.bit_count()

    sort = request.sort if request.sort in SORTS else "relevance"
    if sort == "relevance" and text_query is None:
        sort = "newest"
    limit = page * page_size
    start = (page - 1) * page_size
    if sort == "relevance":
        ranked = _ranked(searcher, data, text_query, matched, filter_mask, total, limit) if total else []
        top = ranked[start:start + page_size]
    else:
        sortname, reverse = {"price": (price_name, False), "rating": ("rating", True),
                             "newest": ("published", True)}[sort]
        column = data.column(sortname)
        top = [(d, float(column.values[d])) for d in column.top(matched, total, limit, reverse)[start:]]

    prices = data.column(price_name).values if reader.has_column(price_name) else None
    hits = [Hit(int(searcher.stored_fields(docnum)["id"]), score, int(prices[docnum]) if prices is not None else 0)
            for docnum, score in top]
    facets = _facet_counts_from_masks(data, matched, text_mask, parts, request) if with_facets else {}
    return SearchResults(total, page, page_size, hits, facets, corrections)


# --- relevance ranking ---------------------------------------------------------------

class _Unsupported(Exception):
    pass


def _ranked(searcher, data: "_ReaderData", text_query: Q.Query, matched: int, filter_mask, total: int, limit: int):
    """The top ``limit`` (docnum, score) pairs of the ``matched`` documents by Whoosh's score.

    Whoosh's collector walks every posting of every term through a tree of matchers in
    Python. This builds the same matcher tree (same query, same search context, so the
    same shape) but only reads its structure: each term's scores come from a per-index-
    version cache of {docnum: score} computed by Whoosh's own scorer, and they are added
    up node by node exactly as the matchers add them (same operands, same order), for the
    matched documents only. The order is Whoosh's: score descending, then document number.

    The ranking is exhaustive, as Whoosh's with ``limit=None``. (Whoosh's top-N search
    skips blocks of postings it estimates cannot reach the top N, and its estimates are
    not always upper bounds, so it sometimes left out documents scoring higher than the
    ones it returned.) A tree holding a matcher this does not mirror is ranked by Whoosh.
    """
    docnums = _mask_docnums(matched)
    context = searcher.context()
    scored: dict[int, float] = {}
    try:
        for subsearcher, offset in searcher.leaf_searchers():
            end = offset + subsearcher.reader().doc_count_all()
            lo, hi = bisect_left(docnums, offset), bisect_left(docnums, end)
            if lo == hi:
                continue
            local = docnums[lo:hi] if not offset else list(map(operator.sub, docnums[lo:hi], repeat(offset)))
            scores = _node_scores(text_query.matcher(subsearcher, context), set(local), subsearcher,
                                  searcher.weighting, data)
            if offset:
                keys = list(scores)
                scores = dict(zip(map(operator.add, keys, repeat(offset)), map(scores.__getitem__, keys)))
            scored.update(scores)
    except _Unsupported:
        allow = None if filter_mask is None else _MaskSet(matched, total, data.size)
        results = searcher.search(text_query, filter=allow, limit=None)
        return [(hit.docnum, float(hit.score or 0.0)) for hit in results[:limit]]
    # Score descending, then document number: a stable sort of the documents in number order.
    top = sorted(sorted(scored), key=scored.__getitem__, reverse=True)[:limit]
    return [(d, scored[d]) for d in top]


def _node_scores(m, candidates, subsearcher, weighting, data: "_ReaderData") -> dict[int, float]:
    """{docnum: score} for the candidates matcher ``m`` matches, added up as ``m.score()`` does.

    The dicts returned may be cached ones: never change them.
    """
    kind = type(m)
    if kind is UnionMatcher:  # a.score() + b.score() where both match, else the one that does
        a = _node_scores(m.a, candidates, subsearcher, weighting, data)
        b = _node_scores(m.b, candidates, subsearcher, weighting, data)
        if not a or not b:
            return a or b
        result = a.copy()
        result.update(b)
        result.update(_sums(a, b, a.keys() & b.keys()))
        return result
    if kind is IntersectionMatcher:  # a.score() + b.score()
        a = _node_scores(m.a, candidates, subsearcher, weighting, data)
        if not a:
            return a
        b = _node_scores(m.b, a.keys(), subsearcher, weighting, data)
        return _sums(a, b, b.keys())
    if kind is AndMaybeMatcher:  # a.score() + b.score() where b matches too, else a.score()
        a = _node_scores(m.a, candidates, subsearcher, weighting, data)
        if not a:
            return a
        b = _node_scores(m.b, a.keys(), subsearcher, weighting, data)
        if b:
            a = a.copy()
            a.update(_sums(a, b, b.keys()))
        return a
    if kind is ArrayUnionMatcher:
        # Each document's score starts at 0 and adds each sub-matcher's score times the boost, in order;
        # a document matches if its total is above 0.
        boost = m._boost
        result: dict[int, float] = {}
        for sub in m._submatchers:
            for d, s in _node_scores(sub, candidates, subsearcher, weighting, data).items():
                result[d] = result.get(d, 0) + s * boost
        return {d: s for d, s in result.items() if s > 0}
    if kind is NullMatcherClass:
        return {}
    if kind is W3LeafMatcher or (kind is FilterMatcher and m.boost == 1.0 and type(m.child) is W3LeafMatcher):
        fieldname, btext = (m if kind is W3LeafMatcher else m.child).term()
        leaf = data.leaf_scores(subsearcher, fieldname, btext, weighting)
        keys = leaf.keys()
        if keys <= candidates:
            return leaf
        keys = keys & candidates
        return dict(zip(keys, map(leaf.__getitem__, keys)))
    if kind is WrappingMatcher:
        boost = m.boost
        return {d: s * boost for d, s in _node_scores(m.child, candidates, subsearcher, weighting, data).items()}
    raise _Unsupported(kind.__name__)


def _sums(a: dict, b: dict, keys) -> dict:
    """{d: a[d] + b[d]} for ``keys`` (in that operand order, as the matchers add)."""
    keys = list(keys)
    return dict(zip(keys, map(operator.add, map(a.__getitem__, keys), map(b.__getitem__, keys))))


def _and_masks(masks) -> int:
    result = None
    for mask in masks:
        result = mask if result is None else result & mask
    return result


def _facet_counts_from_masks(data: "_ReaderData", matched: int, text_mask: int, parts, request: SearchRequest):
    """How many results each facet value would give, with every other filter applied.

    A field with a filter of its own counts against the other filters only, so a person
    can see what widening that filter would give.
    """
    masks = data.facet_masks()
    counts: dict[str, dict[str, int]] = {}
    for fieldname in FACET_FIELDS:
        docs = matched
        if fieldname_has_filter(request, fieldname):
            docs = text_mask
            for part_field, mask in parts:
                if part_field is None or part_field != fieldname:
                    docs &= mask
        values = {}
        if docs:
            for value, mask in masks.get(fieldname, {}).items():
                n = (mask & docs).bit_count()
                if n:
                    values[value] = n
        counts[fieldname] = values
    return counts


# --- bitmasks ------------------------------------------------------------------------

_BITS = tuple(1 << i for i in range(8))


def _docs_mask(docnums) -> int:
    """A bitmask (bit n set for document number n) of ``docnums``."""
    if not isinstance(docnums, (list, tuple, set, frozenset)):
        docnums = list(docnums)
    if not docnums:
        return 0
    bits = bytearray((max(docnums) >> 3) + 1)
    for d in docnums:
        bits[d >> 3] |= _BITS[d & 7]
    return int.from_bytes(bits, "little")


_BINARY_DIGITS = bytes.maketrans(b"01", b"\x00\x01")


def _mask_docnums(mask: int) -> list[int]:
    """The document numbers whose bits are set in ``mask``, in order."""
    if not mask:
        return []
    digits = bin(mask)[:1:-1].encode("ascii").translate(_BINARY_DIGITS)  # one byte per bit, lowest first
    return list(compress(range(len(digits)), digits))


class _MaskSet(DocIdSet):
    """A read-only document set over a bitmask, for Whoosh's ``filter=``."""

    def __init__(self, mask: int, count: int, size: int):
        self._bytes = mask.to_bytes((max(size, mask.bit_length()) + 7) >> 3, "little")
        self._count = count
        self._mask = mask

    def __contains__(self, docnum) -> bool:
        return 0 <= docnum < (len(self._bytes) << 3) and bool(self._bytes[docnum >> 3] >> (docnum & 7) & 1)

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return True  # an empty filter still filters everything out

    def __iter__(self):
        return iter(_mask_docnums(self._mask))

    def copy(self):
        return set(self)


class _SortColumn:
    """One numeric column's values and its documents in sort order, for one reader."""

    def __init__(self, reader, fieldname: str, size: int):
        field = reader.schema[fieldname]
        self.default = field.default if hasattr(field, "default") else None
        values: list = []
        for leaf, offset in reader.leaf_readers():
            count = leaf.doc_count_all()
            if len(values) < offset:
                values.extend([self.default] * (offset - len(values)))
            if leaf.has_column(fieldname):
                values.extend(_column_values(leaf, fieldname, field, count))
            else:
                values.extend([self.default] * count)
        values.extend([self.default] * (size - len(values)))
        values = values[:size]
        # Whoosh orders sorted results by (value, document number), reversed for "reverse".
        order = sorted(range(size), key=values.__getitem__)
        self.order = array("I", order)
        self.values = _compact(values)
        self._sorted_values = None
        self._prefix = None
        self._lock = threading.Lock()

    def top(self, matched: int, total: int, limit: int, reverse: bool) -> list[int]:
        """The first ``limit`` documents of ``matched`` in this column's order."""
        if not total or limit <= 0:
            return []
        if total * 16 < len(self.order):  # few matches: sort just those
            values = self.values
            docnums = _mask_docnums(matched)
            docnums.sort(key=lambda d: (values[d], d), reverse=reverse)
            return docnums[:limit]
        bits = matched.to_bytes((len(self.order) + 7) >> 3, "little")
        found = []
        for d in (reversed(self.order) if reverse else self.order):
            if bits[d >> 3] >> (d & 7) & 1:
                found.append(d)
                if len(found) == limit:
                    break
        return found

    _BLOCK = 512

    def range_mask(self, low: int, high: int, live: int) -> int:
        """Documents whose value is in low..high (inclusive); documents without a value never match."""
        with self._lock:
            if self._sorted_values is None:
                prefix, bits = [0], bytearray((len(self.order) + 7) >> 3)
                for i, d in enumerate(self.order, 1):
                    bits[d >> 3] |= _BITS[d & 7]
                    if i % self._BLOCK == 0:
                        prefix.append(int.from_bytes(bits, "little"))
                self._prefix = prefix
                self._sorted_values = _compact([self.values[d] for d in self.order])
        if self.default is not None and high >= self.default:
            high = self.default - 1
        if low > high:
            return 0
        lo = bisect_left(self._sorted_values, low)
        hi = bisect_right(self._sorted_values, high)
        return (self._rank_prefix(hi) & ~self._rank_prefix(lo)) & live

    def _rank_prefix(self, rank: int) -> int:
        """Bitmask of the first ``rank`` documents in sort order."""
        block = rank // self._BLOCK
        mask = self._prefix[block]
        rest = self.order[block * self._BLOCK:rank]
        return mask | _docs_mask(rest) if rest else mask


def _compact(values: list):
    """``values`` as an unsigned 64-bit array if they fit (they do for the catalogue's columns)."""
    try:
        return array("Q", values)
    except (TypeError, OverflowError):
        return values


def _column_values(segment, fieldname: str, field, count: int) -> list:
    """Every document's value in a numeric column of one segment (the column's default where unset)."""
    plain = isinstance(field, NUMERIC) and field.numtype is int and not field.signed and not field.decimal_places
    reader = segment.column_reader(fieldname, translate=not plain)
    if plain and type(reader) is NumericColumn.Reader:
        try:  # one read and one unpack for the whole column, rather than one per document
            n = min(reader._count, count)
            raw = reader._dbfile.get(reader._basepos, n * reader._fixedlen)
            values = list(struct.unpack("!%d%s" % (n, reader._typecode), raw))
            return values + [reader._default] * (count - n)
        except (AttributeError, struct.error):
            pass
    return list(reader)[:count]


def _posting_blocks(m, weights: bool = True):
    """(document numbers, weights) of a fresh posting matcher, a block at a time."""
    if type(m) is W3LeafMatcher:
        # Whoosh's own block reading (W3LeafMatcher.id/weight load the same arrays per block).
        while m.is_active():
            if m._ids is None:
                m._read_ids()
            if weights and m._weights is None:
                m._read_weights()
            yield m._ids, (m._weights if weights else None)
            m._next_block()
        return
    ids, ws = [], []
    while m.is_active():
        ids.append(m.id())
        if weights:
            ws.append(m.weight())
        m.next()
    yield ids, (ws if weights else None)


_MAX_CACHED_TERMS = 2048
_MAX_CACHED_POSTINGS = 4_000_000  # term scores kept per index version, 12 bytes each
_MAX_CACHED_CORRECTIONS = 10000


class _ReaderData:
    """Everything worked out once per index version (reader): bitmasks, sort orders, corrections."""

    def __init__(self, reader):
        self.reader = reader
        self.size = reader.doc_count_all()
        self.live = _docs_mask(list(reader.all_doc_ids()))
        self.lock = threading.RLock()
        self.terms: OrderedDict = OrderedDict()
        self.leaves: OrderedDict = OrderedDict()
        self.lengths: dict = {}
        self.leaf_postings = 0
        self.columns: dict[str, _SortColumn] = {}
        self.corrections: dict[str, str | None] = {}
        self._facet_masks = None
        self._vocabulary = None
        self._buckets: dict[str, list] = {}

    def term_mask(self, fieldname: str, text) -> int:
        key = (fieldname, text)
        with self.lock:
            mask = self.terms.get(key)
            if mask is not None:
                self.terms.move_to_end(key)
                return mask
        bits = bytearray((self.size + 7) >> 3)
        for segment, offset in self.reader.leaf_readers():
            if (fieldname, text) not in segment:
                continue
            m = segment.postings(fieldname, text)
            if type(m) is FilterMatcher:  # deleted documents; the live mask below drops them
                m = m.child
            for ids, _weights in _posting_blocks(m, weights=False):
                for d in ids:
                    d += offset
                    bits[d >> 3] |= _BITS[d & 7]
        mask = int.from_bytes(bits, "little") & self.live
        with self.lock:
            self.terms[key] = mask
            if len(self.terms) > _MAX_CACHED_TERMS:
                self.terms.popitem(last=False)
        return mask

    def mask(self, q: Q.Query, searcher) -> int:
        """The documents ``q`` matches, as a bitmask."""
        kind = type(q)
        if kind is Q.Term:
            return self.term_mask(q.fieldname, q.text)
        if kind is Q.Or and not getattr(q, "minmatch", 0):
            result = 0
            for sub in q.subqueries:
                result |= self.mask(sub, searcher)
            return result
        if kind is Q.And:
            result = None
            for sub in q.subqueries:
                mask = self.mask(sub, searcher)
                result = mask if result is None else result & mask
                if not result:
                    return 0
            return self.live if result is None else result
        if kind is Q.AndMaybe:
            return self.mask(q.a, searcher)
        if kind is Q.Every and q.fieldname is None:
            return self.live
        if kind is _NumericRange and q.fieldname in self.reader.schema:
            from whoosh.util.numeric import to_sortable

            field = self.reader.schema[q.fieldname]
            low, high = _sortable_bounds(field, q.start, q.end, q.startexcl, q.endexcl, to_sortable)
            if field.signed or field.numtype is not int or field.decimal_places or not self.reader.has_column(q.fieldname):
                return _docs_mask(list(searcher.docs_for_query(q)))
            return self.column(q.fieldname).range_mask(low, high, self.live)
        return _docs_mask(list(searcher.docs_for_query(q)))

    def leaf_scores(self, subsearcher, fieldname: str, btext: bytes, weighting) -> dict[int, float]:
        """{segment docnum: score} for one term in one segment, scored by Whoosh (``Term.matcher``'s way).

        Kept as two compact arrays (12 bytes a posting) and made into a dict when asked for.
        """
        key = (id(subsearcher.reader()), fieldname, btext)
        with self.lock:
            cached = self.leaves.get(key)
            if cached is not None:
                self.leaves.move_to_end(key)
                return dict(zip(*cached))
        docs, scores = array("I"), array("d")
        m = subsearcher.postings(fieldname, btext, weighting=weighting)
        base, deleted = m, None
        if type(m) is FilterMatcher and m._exclude and m.boost == 1.0:
            base, deleted = m.child, m._ids
        scorer = getattr(base, "scorer", None)
        if type(base) is W3LeafMatcher and type(scorer) is BM25FScorer:
            # What scorer.score(matcher) works out, posting block by posting block:
            # scorer._score(weight, field length), with each document's length looked up once.
            score, lengths, dfl = scorer._score, self.field_lengths(subsearcher, fieldname), scorer.dfl
            for ids, weights in _posting_blocks(base):
                for d, w in zip(ids, weights):
                    if deleted is not None and d in deleted:
                        continue
                    length = lengths[d]
                    if length < 0:
                        length = lengths[d] = dfl(d)
                    docs.append(d)
                    scores.append(score(w, length))
        else:
            while m.is_active():
                docs.append(m.id())
                scores.append(m.score())
                m.next()
        with self.lock:
            self.leaves[key] = (docs, scores)
            self.leaf_postings += len(docs)
            while self.leaf_postings > _MAX_CACHED_POSTINGS and len(self.leaves) > 1:
                _, (dropped, _scores) = self.leaves.popitem(last=False)
                self.leaf_postings -= len(dropped)
        return dict(zip(docs, scores))

    def field_lengths(self, subsearcher, fieldname: str) -> list:
        """Per segment document, its length in ``fieldname`` as Whoosh scores it (-1 until looked up)."""
        key = (id(subsearcher.reader()), fieldname)
        with self.lock:
            lengths = self.lengths.get(key)
            if lengths is None:
                lengths = self.lengths[key] = [-1] * subsearcher.reader().doc_count_all()
            return lengths

    def column(self, fieldname: str) -> _SortColumn:
        with self.lock:
            column = self.columns.get(fieldname)
            if column is None:
                column = self.columns[fieldname] = _SortColumn(self.reader, fieldname, self.size)
            return column

    def facet_masks(self) -> dict[str, dict[str, int]]:
        with self.lock:
            if self._facet_masks is None:
                cached = {}
                for fieldname in FACET_FIELDS:
                    cached[fieldname] = {btext.decode("utf-8"): self.term_mask(fieldname, btext)
                                         for btext in self.reader.lexicon(fieldname)}
                self._facet_masks = cached
            return self._facet_masks

    def vocabulary_bucket(self, searcher, ix: CatalogueIndex, letter: str) -> list[tuple[str, int, int]]:
        """The vocabulary's words starting with ``letter``, most frequent first, with lengths and letter masks."""
        vocabulary = ix.vocabulary(searcher)
        with self.lock:
            if self._vocabulary is not vocabulary:
                self._vocabulary, self._buckets = vocabulary, {}
            bucket = self._buckets.get(letter)
            if bucket is None:
                bucket = self._buckets[letter] = [(w, len(w), _letters(w)) for w, _freq in vocabulary.get(letter, [])]
            return bucket


_reader_cache: OrderedDict = OrderedDict()
_reader_cache_lock = threading.Lock()
_MAX_CACHED_READERS = 2  # the current index version, and the one before while requests finish with it


def _reader_data(reader) -> _ReaderData:
    """The cached data for this reader; built on first use, dropped a few index versions later."""
    key = id(reader)
    with _reader_cache_lock:
        data = _reader_cache.get(key)
        if data is not None and data.reader is reader:
            _reader_cache.move_to_end(key)
            return data
    data = _ReaderData(reader)
    with _reader_cache_lock:
        existing = _reader_cache.get(key)
        if existing is not None and existing.reader is reader:
            return existing
        _reader_cache[key] = data
        while len(_reader_cache) > _MAX_CACHED_READERS:
            _reader_cache.popitem(last=False)
    return data


def fieldname_has_filter(request: SearchRequest, fieldname: str) -> bool:
    return bool({"category": request.categories, "outcome": request.outcomes, "delivery": request.delivery,
                 "access": request.accessibility, "langs": request.languages, "days": request.days,
                 "kind": request.kinds}.get(fieldname))
