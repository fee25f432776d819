"""Relevance order: Whoosh's own BM25F scores for the matched documents, added up exhaustively
(see ``whoosh_fixes`` for why Whoosh's top-N search is not used), in Whoosh's order: score
descending, then document number."""
from __future__ import annotations

import operator
from bisect import bisect_left
from itertools import repeat

from whoosh import query as Q

from .bits import mask_docnums
from .masks import ReaderData
from .whoosh_fixes import MaskSet, Unsupported, node_scores


def ranked(searcher, data: ReaderData, text_query: Q.Query, matched: int, filter_mask, total: int, limit: int):
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
    docnums = mask_docnums(matched)
    context = searcher.context()
    scored: dict[int, float] = {}
    try:
        for subsearcher, offset in searcher.leaf_searchers():
            end = offset + subsearcher.reader().doc_count_all()
            lo, hi = bisect_left(docnums, offset), bisect_left(docnums, end)
            if lo == hi:
                continue
            local = docnums[lo:hi] if not offset else list(map(operator.sub, docnums[lo:hi], repeat(offset)))
            scores = node_scores(text_query.matcher(subsearcher, context), set(local), subsearcher,
                                  searcher.weighting, data.leaf_scores)
            if offset:
                keys = list(scores)
                scores = dict(zip(map(operator.add, keys, repeat(offset)), map(scores.__getitem__, keys)))
            scored.update(scores)
    except Unsupported:
        allow = None if filter_mask is None else MaskSet(matched, total, data.size)
        results = searcher.search(text_query, filter=allow, limit=None)
        return [(hit.docnum, float(hit.score or 0.0)) for hit in results[:limit]]
    # Score descending, then document number: a stable sort of the documents in number order.
    top = sorted(sorted(scored), key=scored.__getitem__, reverse=True)[:limit]
    return [(d, scored[d]) for d in top]
