"""Market health: who supplies the council's market (active providers by category and area, and how many
are micro-providers or personal assistants), how concentrated its spend is (the top five's share and the
Herfindahl–Hirschman index), and who joined and left, month by month.

Providers are not the people the privacy rules protect, so counts of providers are shown however small;
but a self-employed personal assistant is a person, so they are counted and never named. Figures about
spend describe the holders who bought, so those rows are hidden under 5 holders like any other."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from catalogue.models import Listing

from .. import clock, taxonomy
from ..events.models import Event
from ..extensions import db
from ..holders.models import Holder
from ..orders.models import Order, OrderLine
from ..providers.models import ORGANISATION_KINDS, Organisation, OrganisationApproval
from .filters import Filters
from .registry import report
from .spend import OUTSIDE, Spent, spent
from .tables import Column, Table

MICRO = ("micro_provider", "personal_assistant")
MICRO_WORDS = "Micro-providers and personal assistants"
TOP = 5


# --- dates: the period's moments in UTC, and a stored moment's day in Europe/London ----------------

def bounds(filters: Filters) -> tuple[datetime, datetime]:
    """The period as UTC moments, from midnight (London) on its first day to midnight after its last."""
    first = datetime.combine(filters.start, time(0), tzinfo=clock.LONDON)
    after = datetime.combine(filters.end + timedelta(days=1), time(0), tzinfo=clock.LONDON)
    return first.astimezone(timezone.utc), after.astimezone(timezone.utc)


def day_of(moment: datetime | None) -> date | None:
    return moment.astimezone(clock.LONDON).date() if moment is not None else None


def months(filters: Filters) -> list[date]:
    out, month = [], filters.start.replace(day=1)
    while month <= filters.end:
        out.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return out


# --- who is approved, since when, and who left ----------------------------------------------------

@dataclass
class Supplier:
    id: int
    kind: str
    status: str  # the council's approval now
    joined: list[date] = field(default_factory=list)  # days the council approved it (a suspension lifted too)
    left: list[date] = field(default_factory=list)  # days it was suspended, or its last listing archived


def suppliers(council) -> dict[int, Supplier]:
    """Every organisation that asked the council, with the days it was approved and left, from the event
    log (and the approval's own decision date where the log has nothing)."""
    rows = db.session.execute(select(OrganisationApproval.id, OrganisationApproval.organisation_id,
                                     OrganisationApproval.status, OrganisationApproval.decided_at, Organisation.kind)
                              .join(Organisation, Organisation.id == OrganisationApproval.organisation_id)
                              .where(OrganisationApproval.council_id == council.id)).all()
    found = {r.organisation_id: Supplier(r.organisation_id, r.kind, r.status) for r in rows}
    by_approval = {r.id: r.organisation_id for r in rows}
    events = db.session.execute(select(Event.object_id, Event.action, Event.occurred_at).where(
        Event.council_id == council.id, Event.object_type == "organisation_approvals",
        Event.action.in_(("organisation.approved", "organisation.suspended")))).all()
    for approval_id, action, at in events:
        if approval_id in by_approval:
            supplier = found[by_approval[approval_id]]
            (supplier.joined if action == "organisation.approved" else supplier.left).append(day_of(at))
    for r in rows:
        supplier = found[r.organisation_id]
        if r.decided_at is not None and r.status == "approved" and not supplier.joined:
            supplier.joined.append(day_of(r.decided_at))
        if r.decided_at is not None and r.status == "suspended" and not supplier.left:
            supplier.left.append(day_of(r.decided_at))
    return found


def trading(supplier: Supplier, filters: Filters) -> bool:
    """Approved by the council at some time in the period: approved now (since before the period's end,
    or since a day the log does not know), or suspended during or after it."""
    if supplier.joined and min(supplier.joined) > filters.end:
        return False
    if supplier.status == "approved":
        return True
    return any(day >= filters.start for day in supplier.left)


@dataclass(frozen=True)
class Offer:
    organisation_id: int
    category: str
    areas: tuple
    status: str
    published_on: date | None
    archived_on: date | None


def offers(organisation_ids: set[int]) -> list[Offer]:
    """The organisations' listings, each with the day it was archived (from the event log, else its last change)."""
    if not organisation_ids:
        return []
    rows = db.session.execute(select(Listing.id, Listing.organisation_id, Listing.category, Listing.areas, Listing.status,
                                     Listing.published_at, Listing.updated_at)
                              .where(Listing.organisation_id.in_(organisation_ids))).all()
    archived = dict(db.session.execute(select(Event.object_id, db.func.max(Event.occurred_at)).where(
        Event.action == "listing.archived", Event.object_type == "listings",
        Event.object_id.in_({r.id for r in rows if r.status == "archived"})).group_by(Event.object_id)).all())
    return [Offer(r.organisation_id, r.category, tuple(r.areas or ()), r.status, day_of(r.published_at),
                  day_of(archived.get(r.id) or r.updated_at) if r.status == "archived" else None) for r in rows]


def live(offer: Offer, filters: Filters) -> bool:
    """Published by the period's end and not archived before it began (a paused listing counts)."""
    if offer.published_on is None or offer.published_on > filters.end:
        return False
    return offer.status in ("published", "paused") or offer.status == "archived" and offer.archived_on >= filters.start


def _fits(offer: Offer, filters: Filters) -> bool:
    return (not filters.category or offer.category == filters.category) and (not filters.area or filters.area in offer.areas)


# --- active providers --------------------------------------------------------------------------------

def active(filters: Filters, found: dict[int, Supplier], listed: list[Offer]) -> dict[int, tuple[set, set]]:
    """organisation id -> (category slugs, areas) it was active in during the period."""
    council = filters.council
    districts = set(council.postcode_districts or [])
    eligible = {i for i, s in found.items() if trading(s, filters)}
    out: dict[int, tuple[set, set]] = defaultdict(lambda: (set(), set()))
    for offer in listed:
        if offer.organisation_id in eligible and live(offer, filters) and _fits(offer, filters):
            categories, areas = out[offer.organisation_id]
            categories.add(offer.category)
            areas.update(a for a in offer.areas if a in districts and (not filters.area or a == filters.area))
    first, after = bounds(filters)
    orders = db.session.execute(select(Order.organisation_id, OrderLine.category, Holder.postcode_district)
                                .join(OrderLine, OrderLine.order_id == Order.id).join(Holder, Holder.id == Order.holder_id)
                                .where(Order.council_id == council.id, Order.accepted_at >= first, Order.accepted_at < after)
                                .where(*([Holder.postcode_district == filters.area] if filters.area else []))
                                .where(*([OrderLine.category == filters.category] if filters.category else []))).all()
    for organisation_id, category, district in orders:
        if organisation_id in eligible:
            categories, areas = out[organisation_id]
            categories.add(category)
            if district in districts:
                areas.add(district)
    return dict(out)


ACTIVE_DEFINITIONS = {
    "Active providers": "Organisations the council approved (at any time in the period) that had a listing live in the period "
                        "(published by its end and not archived before it began) or accepted an order in it. One organisation "
                        "counts once in each category or area it was active in, and once in the total.",
    "Micro-providers and personal assistants": "Active providers registered as micro-providers (1 to 5 people) or as "
                                               "self-employed personal assistants.",
    "Personal assistants": "Self-employed personal assistants: people, so counted and never named.",
    "Micro share": "Micro-providers and personal assistants as a share of the active providers in the row.",
}


def _active_row(label: str, ids: set[int], found: dict[int, Supplier]) -> dict:
    micro = sum(1 for i in ids if found[i].kind in MICRO)
    pas = sum(1 for i in ids if found[i].kind == "personal_assistant")
    return {"label": label, "providers": len(ids), "micro": micro, "pas": pas,
            "share": 100 * micro / len(ids) if ids else 0.0, "people": 0}


def _active_table(key: str, title: str, label: str, groups: dict[str, set[int]], everyone: set[int],
                  found: dict[int, Supplier]) -> Table:
    rows = [_active_row(k, ids, found) for k, ids in groups.items()]
    return Table(key, title, [Column("label", label), Column("providers", "Active providers", "count"),
                              Column("micro", MICRO_WORDS, "count"), Column("pas", "Personal assistants", "count"),
                              Column("share", "Micro share", "percent")], rows, dict(ACTIVE_DEFINITIONS),
                 total=_active_row("All", everyone, found), chart=("label", "providers"),
                 note="Providers are organisations, not the people these reports protect, so small counts are shown; "
                      "personal assistants are only ever counted.")


def active_tables(filters: Filters, found: dict[int, Supplier], busy: dict[int, tuple[set, set]]) -> list[Table]:
    by_category: dict[str, set[int]] = defaultdict(set)
    by_area: dict[str, set[int]] = {d: set() for d in filters.council.postcode_districts or [] if not filters.area or d == filters.area}
    for organisation_id, (categories, areas) in busy.items():
        for slug in categories:
            by_category[taxonomy.category_name(slug)].add(organisation_id)
        for area in areas:
            by_area.setdefault(area, set()).add(organisation_id)
    ordered = dict(sorted(by_category.items(), key=lambda kv: (-len(kv[1]), kv[0])))
    everyone = set(busy)
    return [_active_table("active_by_category", "Active providers by category", "Category", ordered, everyone, found),
            _active_table("active_by_area", "Active providers by area", "Area (postcode district)", by_area, everyone, found)]


# --- concentration ------------------------------------------------------------------------------------

def concentration(amounts: dict[str, int]) -> tuple[int, float, int]:
    """(providers paid, the top five's share of their spend in %, the HHI): the index is the sum of each
    provider's squared share in percent, so 0 to 10,000 (one provider with all the spend)."""
    paid = {k: v for k, v in amounts.items() if v > 0}
    whole = sum(paid.values())
    if not whole:
        return 0, 0.0, 0
    shares = sorted((100 * v / whole for v in paid.values()), reverse=True)
    return len(paid), sum(shares[:TOP]), round(sum(s * s for s in shares))


SPEND_NOTE = ("Spend with providers only: purchases holders recorded as bought outside the marketplace are left out. "
              "Self-employed personal assistants count together as one provider, since reports never single them out.")


def _concentration_row(label: str, items: list[Spent]) -> dict:
    amounts: dict[str, int] = defaultdict(int)
    for item in items:
        amounts[item.provider] += item.amount
    paid, top, hhi = concentration(amounts)
    holders = len({item.holder_id for item in items})
    return {"label": label, "paid": paid, "holders": holders, "spend": sum(amounts.values()), "top": top, "hhi": hhi,
            "people": holders}


def concentration_table(items: list[Spent]) -> Table:
    by_category: dict[str, list[Spent]] = defaultdict(list)
    for item in items:
        by_category[item.category].append(item)
    rows = [_concentration_row(k, by_category[k]) for k in sorted(by_category)]  # by name: an order by spend would rank hidden rows
    return Table("concentration", "How concentrated spend is, by category",
                 [Column("label", "Category"), Column("paid", "Providers paid", "count"),
                  Column("holders", "Holders buying", "count"), Column("spend", "Spend", "money"),
                  Column("top", "Top five's share", "percent"), Column("hhi", "Concentration index (HHI)", "number")],
                 rows, {
                     "Providers paid": "Providers whose payments, less credit notes, came to more than £0 in the period.",
                     "Holders buying": "Holders with spend with these providers in the period. Fewer than 5 is never shown.",
                     "Spend": "Payments to providers for confirmed delivery, less credit notes, dated in the period.",
                     "Top five's share": "The share of the providers' spend that went to the five paid most (100% where "
                                         "five or fewer were paid).",
                     "Concentration index (HHI)": "The Herfindahl–Hirschman index: each provider's share of the spend in "
                                                  "percent, squared, added up. 10,000 means one provider has it all; under "
                                                  "1,500 is usually read as unconcentrated, over 2,500 as highly concentrated.",
                 }, total=_concentration_row("All categories", items), chart=("label", "hhi"), note=SPEND_NOTE)


def micro_table(items: list[Spent], busy: dict[int, tuple[set, set]], found: dict[int, Supplier]) -> Table:
    micro_words = {ORGANISATION_KINDS[k] for k in MICRO}
    groups = {MICRO_WORDS: [i for i in items if i.kind in micro_words],
              "Other providers": [i for i in items if i.kind not in micro_words]}
    whole = sum(i.amount for i in items)
    micro_active = sum(1 for i in busy if found[i].kind in MICRO)
    rows = []
    for label, group in groups.items():
        holders, amount = len({i.holder_id for i in group}), sum(i.amount for i in group)
        rows.append({"label": label, "holders": holders, "spend": amount, "share": 100 * amount / whole if whole else 0.0,
                     "people": holders})
    everyone = len({i.holder_id for i in items})
    share_active = 100 * micro_active / len(busy) if busy else 0.0
    return Table("micro", "Spend with micro-providers and personal assistants",
                 [Column("label", "Kind of provider"), Column("holders", "Holders buying", "count"),
                  Column("spend", "Spend", "money"), Column("share", "Share of spend", "percent")], rows,
                 {"Holders buying": "Holders with spend with these providers in the period. Fewer than 5 is never shown.",
                  "Share of spend": "This row's spend with providers as a share of all spend with providers."},
                 total={"label": "All providers", "holders": everyone, "spend": whole, "share": 100.0 if whole else 0.0,
                        "people": everyone}, chart=("label", "spend"),
                 note=f"{MICRO_WORDS} were {micro_active:,} of the {len(busy):,} active providers ({share_active:.1f}%). "
                      "Purchases bought outside the marketplace are left out.")


# --- joining and leaving -------------------------------------------------------------------------------

def _last_archived(listed: list[Offer]) -> dict[int, date]:
    """Organisations whose every listing is archived -> the day the last one went."""
    by_organisation: dict[int, list[Offer]] = defaultdict(list)
    for offer in listed:
        by_organisation[offer.organisation_id].append(offer)
    return {i: max(o.archived_on for o in own) for i, own in by_organisation.items()
            if own and all(o.status == "archived" and o.archived_on for o in own)}


def movement_table(filters: Filters, found: dict[int, Supplier], listed: list[Offer]) -> Table:
    relevant = {o.organisation_id for o in listed if _fits(o, filters)} if filters.area or filters.category else set(found)
    emptied = _last_archived(listed)
    joined, left = defaultdict(set), defaultdict(set)
    for i, supplier in found.items():
        if i not in relevant:
            continue
        for day in supplier.joined:
            if filters.start <= day <= filters.end:
                joined[day.replace(day=1)].add(i)
        leaving = list(supplier.left) + ([emptied[i]] if i in emptied and supplier.status == "approved" else [])
        for day in leaving:
            if filters.start <= day <= filters.end:
                left[day.replace(day=1)].add(i)
    rows = [{"label": f"{m:%B %Y}", "joined": len(joined[m]), "left": len(left[m]), "net": len(joined[m]) - len(left[m]),
             "people": 0} for m in months(filters)]
    total_joined, total_left = sum(r["joined"] for r in rows), sum(r["left"] for r in rows)
    return Table("movement", "Providers joining and leaving, by month",
                 [Column("label", "Month"), Column("joined", "Joined", "count"), Column("left", "Left", "count"),
                  Column("net", "Joined less left", "number")], rows,
                 {"Joined": "Organisations the council approved in the month, a suspension lifted included (from the "
                            "event log, or the approval's decision date). One organisation counts once a month.",
                  "Left": "Organisations the council suspended in the month, or whose last listing was archived in it "
                          "while still approved.",
                  "Joined less left": "Joined, less left: the change in the number of providers."},
                 total={"label": "The whole period", "joined": total_joined, "left": total_left,
                        "net": total_joined - total_left, "people": 0}, chart=("label", "joined"),
                 note="With an area or a category chosen, only organisations with a listing there are counted.")


@report("market", "Market health", "Who supplies the market, how concentrated it is, and who is joining and leaving.")
def build(filters: Filters) -> list[Table]:
    found = suppliers(filters.council)
    listed = offers(set(found))
    busy = active(filters, found, listed)
    items = [item for item in spent(filters) if item.kind != OUTSIDE]
    return [*active_tables(filters, found, busy), concentration_table(items), micro_table(items, busy, found),
            movement_table(filters, found, listed)]
