"""What is worked out once per index version (reader) and reused by every search: a bitmask per
term and per facet value, numeric columns in sort order, each term's scores, and the spelling
caches. A search is then a few big-integer ANDs and popcounts (see ``bits``)."""
from __future__ import annotations

import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict

from whoosh import query as Q
from whoosh.matching.wrappers import FilterMatcher

from .bits import BITS, docs_mask, mask_docnums
from .schema import FACET_FIELDS
from .whoosh_fixes import NumericRange, column_values, posting_blocks, sortable_bounds, term_scores

MAX_CACHED_TERMS = 2048
MAX_CACHED_POSTINGS = 4_000_000  # term scores kept per index version, 12 bytes each
MAX_CACHED_READERS = 2  # the current index version, and the one before while requests finish with it


class SortColumn:
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
                values.extend(column_values(leaf, fieldname, field, count))
            else:
                values.extend([self.default] * count)
        values.extend([self.default] * (size - len(values)))
        values = values[:size]
        # Whoosh orders sorted results by (value, document number), reversed for "reverse".
        order = sorted(range(size), key=values.__getitem__)
        self.order = array("I", order)
        self.values = compact(values)
        self._sorted_values = None
        self._prefix = None
        self._lock = threading.Lock()

    def top(self, matched: int, total: int, limit: int, reverse: bool) -> list[int]:
        """The first ``limit`` documents of ``matched`` in this column's order."""
        if not total or limit <= 0:
            return []
        if total * 16 < len(self.order):  # few matches: sort just those
            values = self.values
            docnums = mask_docnums(matched)
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
                    bits[d >> 3] |= BITS[d & 7]
                    if i % self._BLOCK == 0:
                        prefix.append(int.from_bytes(bits, "little"))
                self._prefix = prefix
                self._sorted_values = compact([self.values[d] for d in self.order])
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
        return mask | docs_mask(rest) if rest else mask


def compact(values: list):
    """``values`` as an unsigned 64-bit array if they fit (they do for the catalogue's columns)."""
    try:
        return array("Q", values)
    except (TypeError, OverflowError):
        return values



class ReaderData:
    """Everything worked out once per index version (reader): bitmasks, sort orders, corrections."""

    def __init__(self, reader):
        self.reader = reader
        self.size = reader.doc_count_all()
        self.live = docs_mask(list(reader.all_doc_ids()))
        self.lock = threading.RLock()
        self.terms: OrderedDict = OrderedDict()
        self.leaves: OrderedDict = OrderedDict()
        self.lengths: dict = {}
        self.leaf_postings = 0
        self.columns: dict[str, SortColumn] = {}
        self._facet_masks = None
        # The spelling caches ``language`` keeps for this index version.
        self.corrections: dict[str, str | None] = {}
        self.vocabulary = None
        self.buckets: dict[str, list] = {}

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
            for ids, _weights in posting_blocks(m, weights=False):
                for d in ids:
                    d += offset
                    bits[d >> 3] |= BITS[d & 7]
        mask = int.from_bytes(bits, "little") & self.live
        with self.lock:
            self.terms[key] = mask
            if len(self.terms) > MAX_CACHED_TERMS:
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
        if kind is NumericRange and q.fieldname in self.reader.schema:
            field = self.reader.schema[q.fieldname]
            low, high = sortable_bounds(field, q.start, q.end, q.startexcl, q.endexcl)
            if field.signed or field.numtype is not int or field.decimal_places or not self.reader.has_column(q.fieldname):
                return docs_mask(list(searcher.docs_for_query(q)))
            return self.column(q.fieldname).range_mask(low, high, self.live)
        return docs_mask(list(searcher.docs_for_query(q)))

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
        docs, scores = term_scores(subsearcher, fieldname, btext, weighting, self.field_lengths(subsearcher, fieldname))
        with self.lock:
            self.leaves[key] = (docs, scores)
            self.leaf_postings += len(docs)
            while self.leaf_postings > MAX_CACHED_POSTINGS and len(self.leaves) > 1:
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

    def column(self, fieldname: str) -> SortColumn:
        with self.lock:
            column = self.columns.get(fieldname)
            if column is None:
                column = self.columns[fieldname] = SortColumn(self.reader, fieldname, self.size)
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


_reader_cache: OrderedDict = OrderedDict()
_reader_cache_lock = threading.Lock()
MAX_CACHED_READERS = 2  # the current index version, and the one before while requests finish with it


def reader_data(reader) -> ReaderData:
    """The cached data for this reader; built on first use, dropped a few index versions later."""
    key = id(reader)
    with _reader_cache_lock:
        data = _reader_cache.get(key)
        if data is not None and data.reader is reader:
            _reader_cache.move_to_end(key)
            return data
    data = ReaderData(reader)
    with _reader_cache_lock:
        existing = _reader_cache.get(key)
        if existing is not None and existing.reader is reader:
            return existing
        _reader_cache[key] = data
        while len(_reader_cache) > MAX_CACHED_READERS:
            _reader_cache.popitem(last=False)
    return data


def facet_counts(data: ReaderData, matched: int, text_mask: int, parts, request) -> dict[str, dict[str, int]]:
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



def fieldname_has_filter(request, fieldname: str) -> bool:
    return bool({"category": request.categories, "outcome": request.outcomes, "delivery": request.delivery,
                 "access": request.accessibility, "langs": request.languages, "days": request.days,
                 "kind": request.kinds}.get(fieldname))
