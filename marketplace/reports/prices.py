"""Prices: what support costs in the council's market (the middle public price and its spread, by category
and unit), the council's agreed rates against public prices, what holders actually paid, and the prices
that went up in the period.

Listings are not people, so price tables are never hidden; what holders paid describes the holders who
bought, so those rows are hidden under 5 holders like any other."""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from catalogue.models import Listing

from .. import taxonomy
from ..extensions import db
from ..holders.models import Holder
from ..orders.models import Order, OrderLine
from ..pricing.models import CouncilPrice, PriceAlert, PriceChange
from ..providers.models import OrganisationApproval
from .filters import Filters
from .market import bounds
from .registry import report
from .tables import Column, Table

METHOD = ("Quartiles by Python's statistics.quantiles(n=4, method=\"inclusive\"): the 25th percentile lies a quarter of "
          "the way from the lowest price to the highest, counting the prices in order (with one listing, all three are its price).")


def half_up(value: float) -> int:
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def quartiles(values: list[int | float]) -> tuple[float, float, float]:
    """(25th percentile, median, 75th percentile), the inclusive method."""
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, median, q3


def unit_words(unit: str) -> str:
    return taxonomy.PRICE_UNITS.get(unit, unit)


@dataclass(frozen=True)
class Offered:
    id: int
    category: str
    unit: str
    public: int
    agreed: int | None  # the council's current agreed rate, if any


def offered(filters: Filters) -> list[Offered]:
    """Published, priced listings of organisations the council approves (in the area and category asked for),
    each with the council's current agreed rate (the earliest, where two are current, as ordering uses)."""
    query = (select(Listing.id, Listing.category, Listing.price_unit, Listing.price_pence, Listing.areas)
             .join(OrganisationApproval, OrganisationApproval.organisation_id == Listing.organisation_id)
             .where(OrganisationApproval.council_id == filters.council.id, OrganisationApproval.status == "approved",
                    Listing.status == "published", Listing.price_pence > 0))
    if filters.category:
        query = query.where(Listing.category == filters.category)
    rows = [r for r in db.session.execute(query) if not filters.area or filters.area in (r.areas or [])]
    agreed: dict[int, int] = {}
    if rows:
        for listing_id, pence in db.session.execute(
                select(CouncilPrice.listing_id, CouncilPrice.price_pence)
                .where(CouncilPrice.council_id == filters.council.id, CouncilPrice.ended_at.is_(None),
                       CouncilPrice.listing_id.in_({r.id for r in rows})).order_by(CouncilPrice.id)):
            agreed.setdefault(listing_id, pence)
    return [Offered(r.id, r.category, r.price_unit, r.price_pence, agreed.get(r.id)) for r in rows]


def _groups(items: list[Offered]) -> dict[tuple[str, str], list[Offered]]:
    out: dict[tuple[str, str], list[Offered]] = defaultdict(list)
    for item in items:
        out[(taxonomy.category_name(item.category), item.unit)].append(item)
    return dict(sorted(out.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def public_table(items: list[Offered]) -> Table:
    rows = []
    for (category, unit), group in _groups(items).items():
        q1, median, q3 = quartiles(sorted(i.public for i in group))
        rows.append({"label": category, "unit": unit_words(unit), "listings": len(group), "median": half_up(median),
                     "q1": half_up(q1), "q3": half_up(q3), "chart_label": f"{category} ({unit_words(unit)})", "people": 0})
    return Table("public", "Public prices by category and unit",
                 [Column("label", "Category"), Column("unit", "Priced"), Column("listings", "Listings", "count"),
                  Column("median", "Median price", "money"), Column("q1", "25th percentile", "money"),
                  Column("q3", "75th percentile", "money")], rows,
                 {"Listings": "Published listings with a price, of organisations the council approves (serving the area, "
                              "where one is chosen). Listings are counted, not people, so no figure here is hidden.",
                  "Median price": "The middle public price of those listings, to the nearest penny.",
                  "25th percentile": "A quarter of the listings cost this or less (the interquartile range runs from here "
                                     "to the 75th percentile). " + METHOD,
                  "75th percentile": "Three quarters of the listings cost this or less."},
                 chart=("chart_label", "median"),
                 note="Prices are as listed today: the catalogue keeps each listing's current price.")


def agreed_table(items: list[Offered]) -> Table:
    rows = []
    for (category, unit), group in _groups([i for i in items if i.agreed is not None]).items():
        discounts = [100 * (i.public - i.agreed) / i.public for i in group]
        rows.append({"label": category, "unit": unit_words(unit), "listings": len(group),
                     "public": half_up(statistics.median(i.public for i in group)),
                     "agreed": half_up(statistics.median(i.agreed for i in group)),
                     "discount": statistics.median(discounts), "chart_label": f"{category} ({unit_words(unit)})", "people": 0})
    with_agreed = [i for i in items if i.agreed is not None]
    return Table("agreed", "Public against agreed prices",
                 [Column("label", "Category"), Column("unit", "Priced"), Column("listings", "Listings with an agreed price", "count"),
                  Column("public", "Median public price", "money"), Column("agreed", "Median agreed price", "money"),
                  Column("discount", "Median discount", "percent")], rows,
                 {"Listings with an agreed price": "Listings in the table above for which the council has a current agreed "
                                                   "rate for the people it funds (listings, not people).",
                  "Median public price": "The middle public price of those listings.",
                  "Median agreed price": "The middle of the council's agreed rates for them.",
                  "Median discount": "The middle of each listing's discount: its public price less its agreed rate, as a "
                                     "share of the public price (negative where the agreed rate is higher)."},
                 chart=("chart_label", "discount"),
                 note=f"{len(with_agreed):,} of the {len(items):,} priced listings have an agreed rate.")


def paid_table(filters: Filters) -> Table:
    """What holders paid: the unit price on the order lines of orders accepted in the period."""
    first, after = bounds(filters)
    query = (select(Order.holder_id, OrderLine.category, OrderLine.unit, OrderLine.unit_price_pence, OrderLine.price_source)
             .join(OrderLine, OrderLine.order_id == Order.id).join(Holder, Holder.id == Order.holder_id)
             .where(Order.council_id == filters.council.id, Order.accepted_at >= first, Order.accepted_at < after))
    if filters.area:
        query = query.where(Holder.postcode_district == filters.area)
    if filters.category:
        query = query.where(OrderLine.category == filters.category)
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for line in db.session.execute(query):
        groups[(taxonomy.category_name(line.category), line.unit)].append(line)
    rows = []
    for (category, unit), lines in sorted(groups.items()):  # by name: an order by size would rank hidden rows
        holders = len({line.holder_id for line in lines})
        rows.append({"label": category, "unit": unit_words(unit), "holders": holders, "lines": len(lines),
                     "median": half_up(statistics.median(line.unit_price_pence for line in lines)),
                     "agreed": 100 * sum(1 for line in lines if line.price_source == "council") / len(lines),
                     "people": holders})
    return Table("paid", "Prices paid in orders accepted in the period",
                 [Column("label", "Category"), Column("unit", "Priced"), Column("holders", "Holders", "count"),
                  Column("lines", "Things ordered", "count"), Column("median", "Median price paid", "money"),
                  Column("agreed", "Bought at an agreed rate", "percent")], rows,
                 {"Holders": "Holders with an order accepted by a provider in the period. Fewer than 5 is never shown.",
                  "Things ordered": "Lines of those orders (one listing each).",
                  "Median price paid": "The middle unit price on those lines: the price the holder was charged.",
                  "Bought at an agreed rate": "The share of those lines priced at the council's agreed rate rather than "
                                              "the public price."})


def rises_table(filters: Filters, items: list[Offered]) -> Table:
    """Price rises recorded in the period: public prices of the council's listings, and the council's own rates."""
    first, after = bounds(filters)
    categories = dict(db.session.execute(select(Listing.id, Listing.category).join(
        OrganisationApproval, OrganisationApproval.organisation_id == Listing.organisation_id)
        .where(OrganisationApproval.council_id == filters.council.id, OrganisationApproval.status == "approved")).all())
    if filters.category:
        categories = {k: v for k, v in categories.items() if v == filters.category}
    if filters.area:
        categories = {k: v for k, v in categories.items() if k in {i.id for i in items}}
    changes = db.session.execute(select(PriceChange.listing_id, PriceChange.council_id, PriceChange.old_pence,
                                        PriceChange.new_pence)
                                 .where(PriceChange.changed_at >= first, PriceChange.changed_at < after,
                                        PriceChange.old_pence > 0, PriceChange.new_pence > PriceChange.old_pence,
                                        db.or_(PriceChange.council_id.is_(None), PriceChange.council_id == filters.council.id),
                                        PriceChange.listing_id.in_(set(categories)))).all()
    public, agreed = defaultdict(list), defaultdict(list)
    for change in changes:
        rise = 100 * (change.new_pence - change.old_pence) / change.old_pence
        (public if change.council_id is None else agreed)[taxonomy.category_name(categories[change.listing_id])].append(rise)

    def row(label: str, ups: list, agreed_ups: list) -> dict:
        return {"label": label, "public": len(ups), "public_rise": statistics.median(ups) if ups else None,
                "agreed": len(agreed_ups), "agreed_rise": statistics.median(agreed_ups) if agreed_ups else None, "people": 0}

    rows = [row(k, public[k], agreed[k]) for k in sorted(set(public) | set(agreed), key=lambda k: (-len(public[k]), k))]
    alerts = db.session.scalar(select(db.func.count(PriceAlert.id)).where(
        PriceAlert.council_id == filters.council.id, PriceAlert.created_at >= first, PriceAlert.created_at < after,
        PriceAlert.listing_id.in_(set(categories)))) or 0
    return Table("rises", "Price rises in the period",
                 [Column("label", "Category"), Column("public", "Public prices raised", "count"),
                  Column("public_rise", "Median public rise", "percent"), Column("agreed", "Agreed rates raised", "count"),
                  Column("agreed_rise", "Median agreed rise", "percent")], rows,
                 {"Public prices raised": "Changes in the period that put up the public price of a listing of an "
                                          "organisation the council approves (a listing raised twice counts twice).",
                  "Median public rise": "The middle of those rises, as a share of the price before.",
                  "Agreed rates raised": "Changes in the period that put up one of the council's own agreed rates.",
                  "Median agreed rise": "The middle of those rises, as a share of the rate before."},
                 total=row("All categories", [r for v in public.values() for r in v], [r for v in agreed.values() for r in v]),
                 chart=("label", "public"),
                 note=f"Every change of a public price or an agreed rate is recorded as it is made; a listing's first price "
                      f"and a rate agreed for the first time are not rises. Alerts raised for the council because a "
                      f"provider put up a price it had agreed: {alerts:,}.")


@report("prices", "Prices", "What support costs: the middle price and its spread, public against agreed prices, and rises.")
def build(filters: Filters) -> list[Table]:
    items = offered(filters)
    return [public_table(items), agreed_table(items), paid_table(filters), rises_table(filters, items)]
