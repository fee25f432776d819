"""Unmet demand: what people looked for and could not find, what approved plans need that nobody local
offers, the orders providers turned down, how long providers take to accept, "tell us what you need"
requests and poor ratings. Searches and requests are anonymous, so each one counts as one person: a
figure from fewer than 5 of them is hidden like any other. The signals page for providers
(``signals.py``) is built from the same functions, so both say the same thing."""
from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import and_, or_, select

from catalogue.models import Listing, SearchLog, UnmetNeed

from .. import clock, taxonomy
from ..budgets.models import BudgetPeriod
from ..extensions import db
from ..holders.models import Holder
from ..needs import service as needs
from ..orders.models import DECLINE_KINDS, Order, OrderLine
from ..plans.models import PlanOutcome, SupportPlan
from ..providers.models import ORGANISATION_KINDS, Organisation, OrganisationApproval
from ..ratings.models import Review
from .filters import Filters
from .privacy import THRESHOLD
from .registry import report
from .tables import Column, Table

FEW = 3  # a search "found little" with 1 to 3 results
MOST_QUERIES = 20
NO_AREA = "No area given"
ELSEWHERE = "Outside the council's areas"
NO_CATEGORY = "No category chosen"
ONLINE = "online"
SEARCHES = {
    "No results": "Searches in the period that found nothing. Searches are anonymous, so each counts as one person: "
                  "fewer than 5 is never shown.",
    "1 to 3 results": "Searches in the period that found 1, 2 or 3 results.",
}


def window(filters: Filters) -> tuple[datetime, datetime]:
    """The period as UTC moments: from midnight (London) on its first day to midnight after its last."""
    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=clock.LONDON).astimezone(timezone.utc)
    return midnight(filters.start), midnight(filters.end + timedelta(days=1))


def _month(moment: datetime) -> date:
    return moment.astimezone(clock.LONDON).date().replace(day=1)


def _area(council, district: str | None) -> str:
    """A searcher's district in words: one of the council's, or said to be elsewhere (never typed text)."""
    if not district:
        return NO_AREA
    return district if district in (council.postcode_districts or []) else ELSEWHERE


def _smallest(*counts: int) -> int:
    """A row's people for the privacy rules: its smallest non-zero cell (every cell must be safe to show)."""
    return min((n for n in counts if n), default=0)


# --- searches --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Search:
    area: str
    categories: tuple[str, ...]  # the categories chosen, in words (NO_CATEGORY when none)
    month: date
    query: str  # normalised when it was logged
    results: int


def searches(filters: Filters) -> list[Search]:
    """The council's logged searches in the period (and area, and category when one is chosen)."""
    start, end = window(filters)
    query = (select(SearchLog.area, SearchLog.filters, SearchLog.created_at, SearchLog.query, SearchLog.result_count)
             .where(SearchLog.council_id == filters.council.id, SearchLog.created_at >= start, SearchLog.created_at < end))
    if filters.area:
        query = query.where(SearchLog.area == filters.area)
    out = []
    for row in db.session.execute(query):
        chosen = [c for c in (row.filters or {}).get("categories") or [] if isinstance(c, str)]
        if filters.category:
            if filters.category not in chosen:
                continue
            chosen = [filters.category]
        out.append(Search(_area(filters.council, row.area), tuple(taxonomy.category_name(c) for c in chosen) or (NO_CATEGORY,),
                          _month(row.created_at), row.query or "", row.result_count))
    return out


def _searches_by(items: list[Search], groups, key: str, title: str, label: str, *, chronological: bool = False) -> Table:
    none, few = Counter(), Counter()
    for item in items:
        for group in groups(item):
            if item.results == 0:
                none[group] += 1
            elif item.results <= FEW:
                few[group] += 1
    keys = sorted(set(none) | set(few), key=(lambda k: k) if chronological else (lambda k: (-none[k], -few[k], k)))
    rows = [{"label": f"{k:%B %Y}" if isinstance(k, date) else k, "none": none[k], "few": few[k],
             "people": _smallest(none[k], few[k])} for k in keys]
    all_none = sum(1 for i in items if i.results == 0)
    all_few = sum(1 for i in items if 0 < i.results <= FEW)
    return Table(key, title, [Column("label", label), Column("none", "No results", "count"), Column("few", "1 to 3 results", "count")],
                 rows, dict(SEARCHES), total={"label": "All", "none": all_none, "few": all_few, "people": _smallest(all_none, all_few)},
                 chart=("label", "none"))


def unfound_queries(items: list[Search], *, by_area: bool = False) -> list[dict]:
    """The words searched for that found nothing, most searched first: only those searched at least 5
    times, so nothing typed by one person (who could be named in it) is ever shown."""
    counts = Counter((item.area if by_area else "", item.query) for item in items if item.results == 0 and item.query)
    return [{"area": area, "query": words, "searches": n, "people": n}
            for (area, words), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= THRESHOLD]


def _queries_table(items: list[Search]) -> Table:
    rows = unfound_queries(items)[:MOST_QUERIES]
    return Table("unfound_queries", "What people searched for most and could not find",
                 [Column("query", "Searched for"), Column("searches", "Searches", "count")], rows,
                 {"Searched for": "The words of searches that found nothing, in lower case without punctuation.",
                  "Searches": "How many searches in the period used these words and found nothing."},
                 chart=("query", "searches"),
                 note=f"The {MOST_QUERIES} most searched. Words searched fewer than 5 times are left out, because one "
                      "person's words could say who they are.")


# --- plan outcomes without local supply ----------------------------------------------------------

@dataclass(frozen=True, order=True)
class Need:
    holder_id: int
    area: str  # the holder's postcode district
    category: str  # a catalogue category's slug


def plan_needs(filters: Filters) -> list[Need]:
    """The kinds of support approved plans foresee, once per holder, category and area, for plans whose
    budget runs in the period. Holders with no district recorded are left out: nobody can say what is local."""
    query = (select(SupportPlan.holder_id, Holder.postcode_district, PlanOutcome.categories)
             .join(SupportPlan, SupportPlan.id == PlanOutcome.plan_id).join(Holder, Holder.id == SupportPlan.holder_id)
             .join(BudgetPeriod, BudgetPeriod.id == SupportPlan.budget_id)
             .where(SupportPlan.council_id == filters.council.id, SupportPlan.status == "approved",
                    BudgetPeriod.starts_on <= filters.end, BudgetPeriod.ends_on >= filters.start,
                    Holder.postcode_district.is_not(None)))
    if filters.area:
        query = query.where(Holder.postcode_district == filters.area)
    needs = {Need(holder_id, district, slug) for holder_id, district, categories in db.session.execute(query)
             for slug in categories or [] if not filters.category or slug == filters.category}
    return sorted(needs)


def local_supply(council) -> dict[str, tuple[set[str], bool]]:
    """category slug -> (districts served, offered online) from the listings people in the council can
    find: published, by an organisation the council approved, or the council's own community resources."""
    approved = select(OrganisationApproval.organisation_id).where(OrganisationApproval.council_id == council.id,
                                                                  OrganisationApproval.status == "approved")
    rows = db.session.execute(select(Listing.category, Listing.areas, Listing.delivery_modes).where(
        Listing.status == "published",
        or_(Listing.organisation_id.in_(approved), and_(Listing.organisation_id.is_(None), Listing.council_id == council.id))))
    supply: dict[str, tuple[set[str], bool]] = {}
    for category, areas, modes in rows:
        districts, online = supply.get(category, (set(), False))
        supply[category] = (districts | set(areas or []), online or ONLINE in (modes or []))
    return supply


def unsupplied(filters: Filters) -> list[Need]:
    """The needs no listing serves: none in the category covers the holder's district or works online."""
    supply = local_supply(filters.council)

    def served(need: Need) -> bool:
        districts, online = supply.get(need.category, (set(), False))
        return online or need.area in districts
    return [need for need in plan_needs(filters) if not served(need)]


def _holders_by(needs: list[Need], label_of, key: str, title: str, label: str) -> Table:
    holders = defaultdict(set)
    for need in needs:
        holders[label_of(need)].add(need.holder_id)
    rows = [{"label": k, "holders": len(h), "people": len(h)} for k, h in sorted(holders.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    everyone = {need.holder_id for need in needs}
    return Table(key, title, [Column("label", label), Column("holders", "Holders", "count")], rows,
                 {"Holders": "Budget holders whose approved plan foresees this kind of support when no published listing "
                             "of a provider the council approved (or of the council) serves their postcode district or "
                             "works online. The listings are today's; the plans are those whose budget runs in the period.",
                  "All": "Holders with any such need (a holder with two counts once)."},
                 total={"label": "All", "holders": len(everyone), "people": len(everyone)}, chart=("label", "holders"))


def gaps_by_area_and_category(needs: list[Need]) -> list[dict]:
    """(area, category) with how many holders need it, only where at least 5 do: what the signals show."""
    holders = defaultdict(set)
    for need in needs:
        holders[(need.area, need.category)].add(need.holder_id)
    return [{"area": area, "category": taxonomy.category_name(slug), "holders": len(h), "people": len(h)}
            for (area, slug), h in sorted(holders.items(), key=lambda kv: (-len(kv[1]), kv[0])) if len(h) >= THRESHOLD]


# --- orders: declined, and the time to accept ---------------------------------------------------

def _order_lines(filters: Filters, *conditions):
    """(order id, holder id, provider kind, category, placed, accepted) for each line of the council's orders."""
    query = (select(Order.id, Order.holder_id, Organisation.kind, OrderLine.category, Order.placed_at, Order.accepted_at,
                    Order.decline_kind)
             .join(OrderLine, OrderLine.order_id == Order.id).join(Organisation, Organisation.id == Order.organisation_id)
             .where(Order.council_id == filters.council.id, *conditions))
    if filters.area:
        query = query.join(Holder, Holder.id == Order.holder_id).where(Holder.postcode_district == filters.area)
    rows = db.session.execute(query).all()
    return [r for r in rows if r.category == filters.category] if filters.category else rows


def _orders_by(rows, label_of, key: str, title: str, label: str) -> Table:
    orders, holders = defaultdict(set), defaultdict(set)
    for row in rows:
        orders[label_of(row)].add(row.id)
        holders[label_of(row)].add(row.holder_id)
    keys = sorted(orders, key=lambda k: (-len(orders[k]), k))
    table_rows = [{"label": k, "orders": len(orders[k]), "holders": len(holders[k]), "people": len(holders[k])} for k in keys]
    everyone = {row.holder_id for row in rows}
    return Table(key, title, [Column("label", label), Column("orders", "Orders declined", "count"),
                              Column("holders", "Holders", "count")], table_rows,
                 {"Orders declined": "Orders a provider declined in the period (an order with lines in two categories counts "
                                     "in each).", "Holders": "Budget holders whose orders these were."},
                 total={"label": "All", "orders": len({row.id for row in rows}), "holders": len(everyone), "people": len(everyone)},
                 chart=("label", "orders"),
                 note="Providers choose a kind of reason (capacity, area, needs or another) and give the person their "
                      "own words; the words could say who the person is, so only the kinds are counted.")


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of them fall, between the two nearest (as a spreadsheet's PERCENTILE.INC)."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * share
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _acceptance(rows) -> Table:
    days, holders = defaultdict(dict), defaultdict(set)
    for row in rows:
        name = taxonomy.category_name(row.category)
        days[name][row.id] = (row.accepted_at - row.placed_at).total_seconds() / 86400
        holders[name].add(row.holder_id)
    every = {row.id: (row.accepted_at - row.placed_at).total_seconds() / 86400 for row in rows}

    def figures(label: str, waits: dict, people: set) -> dict:
        values = list(waits.values())
        return {"label": label, "orders": len(values), "median": round(statistics.median(values), 2),
                "p90": round(percentile(values, 0.9), 2), "holders": len(people), "people": len(people)}
    table_rows = [figures(k, days[k], holders[k]) for k in sorted(days, key=lambda k: (-len(days[k]), k))]
    return Table("acceptance", "Time from order to acceptance, by category",
                 [Column("label", "Category"), Column("orders", "Orders accepted", "count"),
                  Column("median", "Median days", "number"), Column("p90", "9 in 10 within (days)", "number")], table_rows,
                 {"Orders accepted": "Orders placed in the period and accepted by the provider (at any time since).",
                  "Median days": "The middle order's time from being placed to being accepted, in days (an order the care "
                                 "coordinator had to approve first includes that wait).",
                  "9 in 10 within (days)": "The 90th percentile: 9 in 10 orders were accepted within this many days."},
                 total=figures("All", every, {row.holder_id for row in rows}) if rows else None, chart=("label", "median"),
                 note="Figures about the orders of fewer than 5 budget holders are not shown.")


# --- "tell us what you need" and ratings ---------------------------------------------------------

def _requests_by(filters: Filters) -> list[Table]:
    start, end = window(filters)
    query = select(UnmetNeed.area, UnmetNeed.created_at).where(UnmetNeed.council_id == filters.council.id,
                                                                UnmetNeed.created_at >= start, UnmetNeed.created_at < end)
    if filters.area:
        query = query.where(UnmetNeed.area == filters.area)
    found = [(_area(filters.council, area), _month(at)) for area, at in db.session.execute(query)]
    meaning = {"Requests": "Descriptions sent through “Tell us what you need” in the period. They are anonymous, so "
                           "each counts as one person; what they say is never shown here."}
    note = "People describe what they need in their own words, so the category filter does not apply."
    tables = []
    for index, key, title, label in ((0, "requests_by_area", "“Tell us what you need” requests, by area", "Area"),
                                     (1, "requests_by_month", "“Tell us what you need” requests, by month", "Month")):
        counts = Counter(item[index] for item in found)
        keys = sorted(counts) if index else sorted(counts, key=lambda k: (-counts[k], k))
        rows = [{"label": f"{k:%B %Y}" if index else k, "requests": counts[k], "people": counts[k]} for k in keys]
        tables.append(Table(key, title, [Column("label", label), Column("requests", "Requests", "count")], rows, dict(meaning),
                            total={"label": "All", "requests": len(found), "people": len(found)}, chart=("label", "requests"),
                            note=note))
    return tables


def unmet_posts(filters: Filters) -> list[dict]:
    """Needs people posted in the period that nobody met (expired, or 14 days open with no reply chosen),
    by category and area: {"area", "category" (its name), "posts"}, most first."""
    found = needs.unmet_by_area_and_category(filters.council, filters.start, filters.end)
    rows = [{"area": area, "category": taxonomy.category_name(category), "posts": count}
            for area, category, count in found
            if (not filters.area or area == filters.area) and (not filters.category or category == filters.category)]
    return sorted(rows, key=lambda row: (-row["posts"], row["category"], row["area"]))


def _posts_table(filters: Filters) -> Table:
    found = unmet_posts(filters)
    rows = [{"label": f"{row['category']} in {row['area']}", "posts": row["posts"], "people": row["posts"]} for row in found]
    everyone = sum(row["posts"] for row in found)
    return Table("unmet_posts", "Needs people posted that nobody met, by category and area",
                 [Column("label", "What and where"), Column("posts", "Posts", "count")], rows,
                 {"Posts": "Needs posted in the period (“a PA, 6 hours a week…”) that expired, or stayed open 14 days "
                           "with no reply chosen. Each post is one person's."},
                 total={"label": "All", "posts": everyone, "people": everyone}, chart=("label", "posts"), ranked=True)


def _low_ratings(filters: Filters) -> Table:
    start, end = window(filters)
    query = (select(Review.holder_id, Review.score, Listing.category).join(Listing, Listing.id == Review.listing_id)
             .where(Review.council_id == filters.council.id, Review.status == "published",
                    Review.created_at >= start, Review.created_at < end))
    if filters.area:
        query = query.join(Holder, Holder.id == Review.holder_id).where(Holder.postcode_district == filters.area)
    if filters.category:
        query = query.where(Listing.category == filters.category)
    rated, low, holders = Counter(), Counter(), defaultdict(set)
    for holder_id, score, category in db.session.execute(query):
        name = taxonomy.category_name(category)
        rated[name] += 1
        if score < 3:
            low[name] += 1
            holders[name].add(holder_id)
    rows = [{"label": k, "low": low[k], "holders": len(holders[k]), "share": 100 * low[k] / rated[k], "people": len(holders[k])}
            for k in sorted(low, key=lambda k: (-low[k], k))]
    everyone = set().union(*holders.values()) if holders else set()
    low_total, rated_total = sum(low.values()), sum(rated.values())
    return Table("low_ratings", "Ratings below 3 stars, by category",
                 [Column("label", "Category"), Column("low", "Ratings below 3", "count"), Column("holders", "Holders", "count"),
                  Column("share", "Share of the category's ratings", "percent")], rows,
                 {"Ratings below 3": "Published ratings of 1 or 2 stars given in the period (hidden ratings are left out).",
                  "Holders": "Budget holders whose support was rated so (by them or their representative).",
                  "Share of the category's ratings": "Ratings below 3 as a share of all published ratings in the category in the "
                                                     "period (for All, of every published rating)."},
                 total={"label": "All", "low": low_total, "holders": len(everyone),
                        "share": 100 * low_total / rated_total if rated_total else 0.0, "people": len(everyone)},
                 chart=("label", "low"))


@report("demand", "Unmet demand", "What people looked for and could not find, and what plans need that nobody local offers.")
def build(filters: Filters) -> list[Table]:
    items = searches(filters)
    needs = unsupplied(filters)
    start, end = window(filters)
    declined = _order_lines(filters, Order.status == "declined", Order.closed_at >= start, Order.closed_at < end)
    accepted = _order_lines(filters, Order.accepted_at.is_not(None), Order.placed_at >= start, Order.placed_at < end)
    return [
        _searches_by(items, lambda s: (s.area,), "searches_by_area", "Searches that found nothing or little, by area", "Area"),
        _searches_by(items, lambda s: s.categories, "searches_by_category", "Searches that found nothing or little, by category",
                     "Category chosen"),
        _searches_by(items, lambda s: (s.month,), "searches_by_month", "Searches that found nothing or little, by month", "Month",
                     chronological=True),
        _queries_table(items),
        _holders_by(needs, lambda n: taxonomy.category_name(n.category), "gaps_by_category",
                    "Support in approved plans that nobody local offers, by category", "Category"),
        _holders_by(needs, lambda n: n.area, "gaps_by_area", "Support in approved plans that nobody local offers, by area",
                    "Area (postcode district)"),
        _orders_by(declined, lambda r: taxonomy.category_name(r.category), "declined_by_category",
                   "Orders declined by providers, by category", "Category"),
        _orders_by(declined, lambda r: DECLINE_KINDS.get(r.decline_kind or "", "Not said (declined before reasons were asked)"),
                   "declined_by_reason", "Orders declined by providers, by reason", "Reason"),
        _orders_by(declined, lambda r: ORGANISATION_KINDS.get(r.kind, r.kind), "declined_by_kind",
                   "Orders declined by providers, by kind of provider", "Kind of provider"),
        _acceptance(accepted),
        *_requests_by(filters),
        _posts_table(filters),
        _low_ratings(filters),
    ]
