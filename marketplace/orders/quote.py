"""Checking a basket before it is placed: its price, whether it fits the plan and the money left,
what would fit instead, and whether the care coordinator must look first. Changes nothing."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import contains_eager

from catalogue.models import Listing

from .. import clock
from ..budgets import ledger
from ..budgets.service import current_budget
from ..errors import DomainError
from ..extensions import db
from ..money import format_pence, multiply
from ..plans.service import approved_plan
from ..pricing.service import Price, prices_for
from ..providers.models import Organisation, OrganisationApproval
from ..taxonomy import PRICE_UNITS, category_name
from .basket import basket, require_can_order
from .models import BasketItem
from .schedules import occurrence_dates, schedule_window

NO_PLAN = "There is no approved support plan yet, so nothing can be ordered. Your care coordinator can help."
UNIT_PLURALS = {"hour": "hours", "half_hour": "half hours", "session": "sessions", "day": "days", "week": "weeks",
                "month": "months", "item": "items", "membership": "memberships"}


@dataclass
class CheckoutContext:
    """What a checkout needs about the holder, worked out once: their budget and its approved plan."""

    holder: object
    budget: object | None
    plan: object | None

    @classmethod
    def for_holder(cls, holder) -> "CheckoutContext":
        budget = current_budget(holder)
        return cls(holder, budget, approved_plan(budget) if budget is not None else None)

    @property
    def outcomes(self) -> dict:
        return {o.key: o for o in self.plan.outcomes} if self.plan is not None else {}


@dataclass
class LineQuote:
    item: BasketItem
    listing: Listing
    unit_price_pence: int
    price_source: str
    dates: list[date]
    total_pence: int
    weekly_pence: int
    outcome_key: str | None
    outcome_words: str | None
    cut_short: bool = False

    @property
    def is_weekly(self) -> bool:
        return self.item.is_weekly


@dataclass
class Shortfall:
    pot: str | None
    words: str
    needed_pence: int
    available_pence: int
    fewer: list[str] = field(default_factory=list)  # what would fit instead
    cheaper: list[tuple[Listing, int]] = field(default_factory=list)

    @property
    def shortfall_pence(self) -> int:
        return self.needed_pence - self.available_pence


@dataclass
class Quote:
    lines: list[LineQuote]
    shortfalls: list[Shortfall]
    approval_reasons: list[str]
    problems: list[str]

    @property
    def total_pence(self) -> int:
        return sum(line.total_pence for line in self.lines)

    @property
    def fits(self) -> bool:
        return not self.shortfalls and not self.problems

    @property
    def outcome(self) -> str:
        """What placing it would do, as one word for one message: "problem" (something must be put
        right first), "does_not_fit" (more than the money left), "needs_check" (the care coordinator
        looks first) or "fits" (it goes straight to the provider)."""
        if self.problems:
            return "problem"
        if self.shortfalls:
            return "does_not_fit"
        return "needs_check" if self.approval_reasons else "fits"


class OrderDoesNotFit(DomainError):
    """The order is more than the money left; carries the shortfalls with what would fit."""

    def __init__(self, quote: Quote):
        parts = [f"{format_pence(s.shortfall_pence)} more than is left for \u201c{s.words}\u201d ({format_pence(s.available_pence)})"
                 for s in quote.shortfalls]
        super().__init__("This order does not fit the money left: it needs " + "; ".join(parts) + ".")
        self.quote = quote


def quote(actor, holder, items: list[BasketItem] | None = None, context: CheckoutContext | None = None) -> Quote:
    """Price the basket for the holder and check it against the plan and the money. Changes nothing."""
    require_can_order(actor, holder)
    items = basket(actor, holder) if items is None else items
    context = context or CheckoutContext.for_holder(holder)
    if context.plan is None:
        return Quote([], [], [], [NO_PLAN])
    outcomes = context.outcomes
    council = holder.council
    prices = prices_for([item.listing for item in items], council)
    lines: list[LineQuote] = []
    problems: list[str] = []
    for item in items:
        line = _price_line(item, prices[item.listing.id], council, context.budget, outcomes, problems)
        if line is not None:
            lines.append(line)
    shortfalls = _shortfalls(holder, context.budget, lines, outcomes) if not problems else []
    return Quote(lines, shortfalls, approval_reasons(council, lines, outcomes), problems)


def _price_line(item: BasketItem, price: Price, council, budget, outcomes: dict, problems: list[str]) -> LineQuote | None:
    """One basket line at ``price`` (the holder's council's), or None with the problem added to ``problems``."""
    listing = item.listing
    if not listing.is_published:
        problems.append(f"\u201c{listing.title}\u201d is no longer available. Remove it from the basket.")
        return None
    if listing.organisation is None or not listing.organisation.is_approved_in(council.id):
        problems.append(f"\u201c{listing.title}\u201d is no longer available from a provider your council approves. "
                        "Remove it from the basket.")
        return None
    if item.outcome_key not in outcomes:
        problems.append(f"Choose which outcome in the plan \u201c{listing.title}\u201d is for.")
        return None
    unit_price = price.pence or 0
    per_occurrence = multiply(unit_price, item.quantity)
    dates, cut_short = _dates(item, budget, problems)
    if not dates:
        return None
    weekly = per_occurrence * len(item.schedule["days"]) if item.is_weekly else 0
    outcome = outcomes[item.outcome_key]
    return LineQuote(item, listing, unit_price, price.source, dates, per_occurrence * len(dates), weekly,
                     item.outcome_key, outcome.own_words, cut_short)


def _dates(item: BasketItem, budget, problems: list[str]) -> tuple[list[date], bool]:
    """(the dates a line books, cut short at the plan's end?), or no dates with the problem added.

    A date that has passed while the line waited in the basket is refused, never moved."""
    title, today = item.listing.title, clock.today()
    if item.is_weekly:
        first, last, cut_short = schedule_window(item.schedule, budget)
        if date.fromisoformat(item.schedule["starts_on"]) < today:
            problems.append(f"The start date for \u201c{title}\u201d has passed. Remove it and add it again with a new date.")
            return [], False
        dates = occurrence_dates(item.schedule["days"], first, last)
        if not dates:
            problems.append(f"The schedule for \u201c{title}\u201d has no dates inside the plan year.")
        return dates, cut_short
    wanted = item.wanted_on
    if wanted is None:  # a one-off put in the basket without a date: as soon as the plan allows
        return [max(today, budget.starts_on)], False
    if wanted < today:
        problems.append(f"The date you wanted \u201c{title}\u201d has passed. Remove it and add it again with a new date.")
        return [], False
    if not budget.starts_on <= wanted <= budget.ends_on:
        problems.append(f"\u201c{title}\u201d is wanted on {wanted:%-d %B %Y}, outside the plan year "
                        f"({budget.starts_on:%-d %B %Y} to {budget.ends_on:%-d %B %Y}).")
        return [], False
    return [wanted], False


def category_reasons(lines: list[LineQuote], outcomes) -> list[str]:
    """Lines buying a kind of support the plan outcome does not foresee."""
    reasons = []
    for line in lines:
        foreseen = outcomes[line.outcome_key].categories
        if foreseen and line.listing.category not in foreseen:
            reasons.append(f"{category_name(line.listing.category)} is not one of the kinds of support the plan foresees "
                           f"for \u201c{line.outcome_words}\u201d.")
    return reasons


def limit_reasons(council, lines: list[LineQuote]) -> list[str]:
    """The whole checkout is above what the council lets people order without a check: support every
    week against its weekly limit (by what a week costs), one-off purchases against its one-off limit
    (by what they cost together). Each kind is judged only against its own limit."""
    reasons = []
    weekly = sum(line.weekly_pence for line in lines if line.is_weekly)
    limit = council.weekly_limit_pence
    if limit is not None and weekly > limit:
        reasons.append(f"It costs {format_pence(weekly)} a week, above the {format_pence(limit)} a week that "
                       f"{council.name} lets people order without a check.")
    once = sum(line.total_pence for line in lines if not line.is_weekly)
    limit = council.one_off_limit_pence
    if limit is not None and once > limit:
        what = "A one-off purchase of" if sum(not line.is_weekly for line in lines) == 1 else "One-off purchases of"
        reasons.append(f"{what} {format_pence(once)} is above the {format_pence(limit)} that {council.name} lets people "
                       "spend at once without a check.")
    return reasons


def approval_reasons(council, lines: list[LineQuote], outcomes) -> list[str]:
    """Why a coordinator must look first: support the plan does not foresee, or above the weekly or one-off limit."""
    return category_reasons(lines, outcomes) + limit_reasons(council, lines)


def _shortfalls(holder, budget, lines: list[LineQuote], outcomes) -> list[Shortfall]:
    """Each pot the lines need more from than is left, with what would fit instead: fewer of a line, or
    cheaper listings (looked up for all the short lines at once)."""
    balances = ledger.balances(budget.id)
    earmarked = budget.council.money_is_earmarked
    needed: dict[str | None, int] = {}
    for line in lines:
        pot = line.outcome_key if earmarked else None
        needed[pot] = needed.get(pot, 0) + line.total_pence
    short: dict[str | None, Shortfall] = {}
    for pot, amount in needed.items():
        available = min(balances.pot(pot).available, balances.total.available)
        if amount > available:
            short[pot] = Shortfall(pot, outcomes[pot].own_words if pot else "your budget", amount, available)
    short_lines = [line for line in lines if (line.outcome_key if earmarked else None) in short]
    for line, cheaper in zip(short_lines, _cheaper(holder, short_lines)):
        shortfall = short[line.outcome_key if earmarked else None]
        shortfall.fewer += _fewer(line, shortfall.available_pence)
        shortfall.cheaper += cheaper
    return list(short.values())


def _fewer(line: LineQuote, available: int) -> list[str]:
    if line.unit_price_pence <= 0 or available <= 0:
        return []
    if line.is_weekly:
        per = line.total_pence // max(1, len(line.dates))
        sessions = available // per if per else 0
        return [f"{sessions} of the {len(line.dates)} dates of \u201c{line.listing.title}\u201d would fit."] if sessions else []
    whole = available // line.unit_price_pence
    unit = UNIT_PLURALS.get(line.listing.price_unit, PRICE_UNITS.get(line.listing.price_unit, ""))
    return [f"{whole} {unit} of \u201c{line.listing.title}\u201d would fit ({format_pence(whole * line.unit_price_pence)})."] if whole else []


def _cheaper(holder, lines: list[LineQuote], limit: int = 3) -> list[list[tuple[Listing, int]]]:
    """For each line, up to ``limit`` published listings in its category and unit, from providers the
    council approves, at a lower price for the holder, cheapest first.

    The candidates of every line, their organisations and the council's agreed rates for them are read
    in two queries, however many lines and candidates there are."""
    if not lines:
        return []
    candidates = db.session.scalars(
        db.select(Listing).join(Organisation, Listing.organisation_id == Organisation.id)
        .join(OrganisationApproval, OrganisationApproval.organisation_id == Organisation.id)
        .where(Listing.category.in_({line.listing.category for line in lines}), Listing.status == "published",
               Listing.price_unit.in_({line.listing.price_unit for line in lines}),
               OrganisationApproval.council_id == holder.council_id, OrganisationApproval.status == "approved")
        .options(contains_eager(Listing.organisation)).order_by(Listing.id)
    ).all()
    prices = prices_for(candidates, holder.council)
    priced = sorted(((c, prices[c.id].pence or 0) for c in candidates), key=lambda pair: pair[1])
    return [[(c, p) for c, p in priced
             if c.category == line.listing.category and c.price_unit == line.listing.price_unit and c.id != line.listing.id
             and 0 < p < line.unit_price_pence][:limit]
            for line in lines]
