"""Where this package works around Whoosh 2.7.4, in one place. Each piece says which Whoosh
behaviour it corrects and which test proves it; most read Whoosh's private internals, so an
upgrade of Whoosh must re-run those tests (``tests/catalogue/test_search_relevance.py`` and
``tests/catalogue/test_whoosh_fixes.py``).

1. ``NumericRange``: Whoosh's ``split_ranges`` wraps below zero near the bottom of an unsigned
   field, so a price range in pence matched prices far outside it. Proved by
   ``test_a_price_range_matches_only_prices_inside_it``.
2. ``node_scores`` / ``term_scores``: Whoosh's top-N collector skips blocks of postings it
   estimates cannot reach the top N, and the estimates are not always upper bounds, so it left out
   documents scoring higher than those it returned. Ranking here is exhaustive: it mirrors the
   matcher tree Whoosh builds and adds up Whoosh's own per-term scores (``BM25FScorer._score``)
   in the same order. Proved by ``test_ranking_is_the_same_as_whooshs_own_scores_in_full`` and
   ``test_no_better_match_is_left_out_of_the_first_page``.
3. ``posting_blocks`` and ``column_values``: reading postings a block at a time and a numeric
   column in one unpack, instead of one Python call per document (speed only; the results are
   compared with Whoosh's own iteration in ``test_bulk_reads_match_whooshs_own``).
4. ``MaskSet``: a bitmask as a Whoosh ``DocIdSet``, for the fallback when a query holds a matcher
   that ``node_scores`` does not mirror (Whoosh then ranks, filtered by the mask).
5. ``_cached_length_reader``: when a segment is written, Whoosh looks up every posting's field
   length, and for a field that stores no lengths (IDs, keywords, numbers) it asks the file system
   whether the lengths file exists again for each posting (a quarter of a rebuild's time). A
   segment's files never change once written, so the answer "no such file" is remembered as the
   reader already remembers "yes" (speed only: ``test_a_segment_reports_the_same_field_lengths``).
"""
from __future__ import annotations

import operator
import struct
from array import array

from whoosh import query as Q
from whoosh.codec.whoosh3 import W3LeafMatcher, W3PerDocReader
from whoosh.columns import NumericColumn
from whoosh.fields import NUMERIC
from whoosh.idsets import DocIdSet
from whoosh.matching import ArrayUnionMatcher, NullMatcherClass, WrappingMatcher
from whoosh.matching.binary import AndMaybeMatcher, IntersectionMatcher, UnionMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query.compound import Or
from whoosh.query.qcore import NullQuery
from whoosh.query.ranges import TermRange
from whoosh.query.terms import Term
from whoosh.query.wrappers import ConstantScoreQuery
from whoosh.scoring import BM25FScorer
from whoosh.util.numeric import to_sortable

from .bits import mask_docnums


class NumericRange(Q.NumericRange):
    """``NumericRange`` that splits the range into index terms correctly.

    Whoosh 2.7.4's ``split_ranges`` wraps below zero for ranges near the bottom of an
    unsigned field (every price range in pence), and the query it builds then matches
    prices far outside the range. This is the same tiered-term query with the split
    done as Lucene does it.
    """

    def _compile_query(self, ixreader):
        field = ixreader.schema[self.fieldname]
        if not isinstance(field, NUMERIC):
            raise Exception("NumericRange: field %r is not numeric" % self.fieldname)
        start, end = sortable_bounds(field, self.start, self.end, self.startexcl, self.endexcl)
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


def sortable_bounds(field, start, end, startexcl, endexcl) -> tuple[int, int]:
    """The inclusive sortable-integer bounds of a numeric range on ``field``."""
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



def posting_blocks(m, weights: bool = True):
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


def column_values(segment, fieldname: str, field, count: int) -> list:
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



def term_scores(subsearcher, fieldname: str, btext: bytes, weighting, lengths: list):
    """(document numbers, scores) of one term in one segment, each scored as Whoosh's ``Term.matcher``
    would score it. ``lengths`` caches each document's field length (-1 until looked up)."""
    docs, scores = array("I"), array("d")
    m = subsearcher.postings(fieldname, btext, weighting=weighting)
    base, deleted = m, None
    if type(m) is FilterMatcher and m._exclude and m.boost == 1.0:
        base, deleted = m.child, m._ids
    scorer = getattr(base, "scorer", None)
    if type(base) is W3LeafMatcher and type(scorer) is BM25FScorer:
        # What scorer.score(matcher) works out, posting block by posting block:
        # scorer._score(weight, field length), with each document's length looked up once.
        score, dfl = scorer._score, scorer.dfl
        for ids, weights in posting_blocks(base):
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
    return docs, scores


class Unsupported(Exception):
    pass


def node_scores(m, candidates, subsearcher, weighting, leaf_scores) -> dict[int, float]:
    """{docnum: score} for the candidates matcher ``m`` matches, added up as ``m.score()`` does.

    ``leaf_scores(subsearcher, fieldname, btext, weighting)`` gives one term's {docnum: score};
    the dicts returned may be cached ones: never change them. Raises Unsupported for a matcher
    it does not mirror.
    """
    kind = type(m)
    if kind is UnionMatcher:  # a.score() + b.score() where both match, else the one that does
        a = node_scores(m.a, candidates, subsearcher, weighting, leaf_scores)
        b = node_scores(m.b, candidates, subsearcher, weighting, leaf_scores)
        if not a or not b:
            return a or b
        result = a.copy()
        result.update(b)
        result.update(_sums(a, b, a.keys() & b.keys()))
        return result
    if kind is IntersectionMatcher:  # a.score() + b.score()
        a = node_scores(m.a, candidates, subsearcher, weighting, leaf_scores)
        if not a:
            return a
        b = node_scores(m.b, a.keys(), subsearcher, weighting, leaf_scores)
        return _sums(a, b, b.keys())
    if kind is AndMaybeMatcher:  # a.score() + b.score() where b matches too, else a.score()
        a = node_scores(m.a, candidates, subsearcher, weighting, leaf_scores)
        if not a:
            return a
        b = node_scores(m.b, a.keys(), subsearcher, weighting, leaf_scores)
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
            for d, s in node_scores(sub, candidates, subsearcher, weighting, leaf_scores).items():
                result[d] = result.get(d, 0) + s * boost
        return {d: s for d, s in result.items() if s > 0}
    if kind is NullMatcherClass:
        return {}
    if kind is W3LeafMatcher or (kind is FilterMatcher and m.boost == 1.0 and type(m.child) is W3LeafMatcher):
        fieldname, btext = (m if kind is W3LeafMatcher else m.child).term()
        leaf = leaf_scores(subsearcher, fieldname, btext, weighting)
        keys = leaf.keys()
        if keys <= candidates:
            return leaf
        keys = keys & candidates
        return dict(zip(keys, map(leaf.__getitem__, keys)))
    if kind is WrappingMatcher:
        boost = m.boost
        return {d: s * boost for d, s in node_scores(m.child, candidates, subsearcher, weighting, leaf_scores).items()}
    raise Unsupported(kind.__name__)


def _sums(a: dict, b: dict, keys) -> dict:
    """{d: a[d] + b[d]} for ``keys`` (in that operand order, as the matchers add)."""
    keys = list(keys)
    return dict(zip(keys, map(operator.add, map(a.__getitem__, keys), map(b.__getitem__, keys))))


class MaskSet(DocIdSet):
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
        return iter(mask_docnums(self._mask))

    def copy(self):
        return set(self)



def _cached_length_reader(self, fieldname, column):
    """``W3PerDocReader._cached_reader`` remembering a missing column too (see 5 above)."""
    readers = self._readers
    if fieldname not in readers:
        readers[fieldname] = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    return readers[fieldname]


WHOOSHS_CACHED_READER = W3PerDocReader._cached_reader
W3PerDocReader._cached_reader = _cached_length_reader
