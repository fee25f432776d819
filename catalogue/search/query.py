"""A search as the person asked it (``SearchRequest``), what comes back (``SearchResults``), and
how a request becomes Whoosh queries: the typed text, with synonyms and corrections, and the
filters, each tied to the facet it narrows."""
from __future__ import annotations

from dataclasses import astuple, dataclass, field

from whoosh import query as Q

from .language import FILLER, TEXT_FIELDS, concepts, correct
from .whoosh_fixes import NumericRange

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
SORTS = ("relevance", "price", "rating", "newest")


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
    min_stars: int | None = None  # buyers' average rating at least this (1 to 5); unrated listings drop out
    sort: str = "relevance"
    page: int = 1
    page_size: int = PAGE_SIZE

    def key(self) -> tuple:
        """Everything the request asks, as a hashable value: what search results are kept under."""
        return tuple(tuple(v) if isinstance(v, list) else v for v in astuple(self))

    def filters(self) -> dict:
        """The filters in use, for the demand log and links (empty ones left out)."""
        data = {
            "categories": self.categories, "outcomes": self.outcomes, "delivery": self.delivery,
            "accessibility": self.accessibility, "languages": self.languages, "days": self.days, "kinds": self.kinds,
            "price_min_pence": self.price_min_pence, "price_max_pence": self.price_max_pence,
            "free_only": self.free_only or None, "min_stars": self.min_stars,
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
    # Which state of the index answered, new whenever the index changes: for Whoosh the generation's
    # name and commit number (the same in every worker reading it); for PostgreSQL the documents'
    # position in the change record. Results and pages are kept under it.
    index_version: str = ""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))



def _field_or(word: str) -> Q.Query:
    return Q.Or([Q.Term(f, word) for f in TEXT_FIELDS])


def text_query(text: str, searcher, data, vocabulary, corrections: dict) -> Q.Query | None:
    """The typed text as a query: every concept that carries meaning must match (a synonym or a
    corrected spelling counts); filler words only add to the score. ``corrections`` collects what
    was typed and the word searched for instead."""
    required, optional = [], []
    for alternatives in concepts(text):
        options = []
        for words in alternatives:
            parts = []
            for word in words:
                fixed = correct(word, searcher, data, vocabulary)
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



def filter_parts(request: SearchRequest, price_name: str) -> list[tuple[str | None, Q.Query]]:
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
        parts.append((None, NumericRange(price_name, request.price_min_pence, request.price_max_pence)))
    if request.min_stars:
        parts.append((None, NumericRange("stars", request.min_stars * 10, None)))
    return parts

