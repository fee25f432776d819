"""Each workaround in ``catalogue.search.whoosh_fixes`` against Whoosh's own behaviour, on a real index
of several segments with deleted documents (made by incremental updates, as the app makes them)."""
from __future__ import annotations

import random

import pytest
from whoosh import query as Q
from whoosh.codec.whoosh3 import W3PerDocReader

from catalogue.search import IndexedListing, SearchRequest, document, get_index, search
from catalogue.search.masks import reader_data
from catalogue.search.query import text_query
from catalogue.search.ranking import ranked
from catalogue.search.whoosh_fixes import WHOOSHS_CACHED_READER, NumericRange, column_values, posting_blocks

COUNCILS = ["aldermoor", "birchley"]
WORDS = ("garden gardening swim swimming cleaner cleaning walk walking group support worker personal assistant "
         "taxi transport art class cookery course music befriending visits home help lessons").split()
PRICES = [0, 1, 49, 50, 51, 99, 100, 101, 255, 256, 257, 1000, 1234, 4095, 4096, 65535, 65536, 100_000, 99_999_999]


def _listing(n: int, rng: random.Random) -> IndexedListing:
    title = " ".join(rng.sample(WORDS, 3))
    return IndexedListing(
        id=n, kind="service", title=title, organisation=f"Provider {n % 7}", category="gardening",
        outcomes=["community"], summary=" ".join(rng.sample(WORDS, 5)), description=" ".join(rng.sample(WORDS, 12)),
        areas=["SK4"], councils={"aldermoor"} if n % 3 else {"aldermoor", "birchley"}, delivery=["home"],
        price_pence=PRICES[n % len(PRICES)], published=1_700_000_000 + n, rating_tenths=(n * 7) % 50)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """300 listings written in three batches, with 40 of them rewritten: several segments, with deletions."""
    rng = random.Random(7)
    ix = get_index(str(tmp_path_factory.mktemp("whoosh") / "index"))
    items = [_listing(n, rng) for n in range(1, 301)]
    for start in (0, 100, 200):
        ix.write(COUNCILS, [document(item, COUNCILS) for item in items[start:start + 100]], [])
    rewritten = [_listing(n, rng) for n in range(5, 205, 5)]
    ix.write(COUNCILS, [document(item, COUNCILS) for item in rewritten], [])
    for item in rewritten:
        items[item.id - 1] = item
    searcher = ix.searcher()
    assert len(searcher.reader().leaf_readers()) > 1 and searcher.reader().has_deletions()
    return ix, {item.id: item for item in items}


@pytest.mark.parametrize("low, high", [(None, 100), (50, 100), (0, 0), (1, 256), (256, 4096), (100_000, None),
                                       (4095, 65536), (2, 3), (None, None)])
def test_a_price_range_matches_only_prices_inside_it(index, low, high):
    """Whoosh's own split of a range wrapped below zero near the bottom of an unsigned field."""
    ix, items = index
    searcher = ix.searcher()
    found = {int(searcher.stored_fields(d)["id"]) for d in searcher.docs_for_query(NumericRange("price_public", low, high))}
    expected = {i for i, item in items.items() if (low is None or item.price_pence >= low)
                and (high is None or item.price_pence <= high)}
    assert found == expected


@pytest.mark.parametrize("text", ["garden", "swimming lessons", "personal assistant", "cleaner home", "walking group art",
                                  "support", "taxi or transport", "gardning"])
def test_ranking_is_the_same_as_whooshs_own_scores_in_full(index, text):
    """The exhaustive ranking adds up Whoosh's scores as Whoosh does: same documents, order and scores."""
    ix, _ = index
    searcher = ix.searcher()
    data = reader_data(searcher.reader())
    query = text_query(text, searcher, data, lambda: ix.vocabulary(searcher), {})
    matched = data.mask(query, searcher)
    ours = ranked(searcher, data, query, matched, None, matched.bit_count(), 10_000)
    whooshs = [(hit.docnum, hit.score) for hit in searcher.search(query, limit=None)]
    assert [d for d, _ in ours] == [d for d, _ in whooshs]
    assert [s for _, s in ours] == pytest.approx([s for _, s in whooshs])


def test_no_better_match_is_left_out_of_the_first_page(index):
    """Page one holds the twenty best matches by Whoosh's full scoring."""
    ix, _ = index
    searcher = ix.searcher()
    data = reader_data(searcher.reader())
    query = text_query("garden support home", searcher, data, lambda: ix.vocabulary(searcher), {})
    best = [int(searcher.stored_fields(hit.docnum)["id"]) for hit in searcher.search(query, limit=None)[:20]]
    page = search(ix, SearchRequest(text="garden support home", page_size=20), with_facets=False)
    assert [hit.listing_id for hit in page.hits] == best


def test_bulk_reads_match_whooshs_own(index):
    """Postings read a block at a time, and a column in one unpack, equal Whoosh's one-by-one reads."""
    ix, _ = index
    reader = ix.searcher().reader()
    for segment, _offset in reader.leaf_readers():
        for word in ("garden", "swim", "walk"):
            if ("title", word) not in segment:
                continue
            bulk = [(d, w) for ids, weights in posting_blocks(segment.postings("title", word)) for d, w in zip(ids, weights)]
            plain = [(p[0], p[1]) for p in segment.postings("title", word).items_as("weight")]
            assert bulk == plain
        field = segment.schema["price_public"]
        count = segment.doc_count_all()
        assert column_values(segment, "price_public", field, count) == list(segment.column_reader("price_public"))[:count]


def test_a_range_with_nothing_in_it_matches_nothing(index):
    ix, _ = index
    searcher = ix.searcher()
    assert list(searcher.docs_for_query(NumericRange("price_public", 5, 4))) == []
    assert isinstance(NumericRange("price_public", 1, 2), Q.NumericRange)


def test_a_segment_reports_the_same_field_lengths(index):
    """Fix 5 remembers that a field has no lengths file; the lengths read are Whoosh's own."""
    ix, _ = index
    for segment, _offset in ix.searcher().reader().leaf_readers():
        fresh = segment._perdoc
        original = W3PerDocReader(fresh._storage, fresh._segment)
        original._cached_reader = WHOOSHS_CACHED_READER.__get__(original)
        for fieldname in ("title", "body", "councils", "price_public"):
            assert ([fresh.doc_field_length(d, fieldname) for d in range(segment.doc_count_all())]
                    == [original.doc_field_length(d, fieldname) for d in range(segment.doc_count_all())])
