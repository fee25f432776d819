"""Demand signals for providers: in each area of a council, what people searched for and could not
find, the support approved plans foresee that nobody local offers, and needs people posted that
nobody met, so a micro-provider or a
personal assistant can see where to start. Built from the unmet demand report's own functions, over
the last twelve months; anything about fewer than 5 searches or 5 people is left out (nothing here
has a total, so nothing left out can be worked out), and nothing names or numbers a person."""
from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select

from ..councils.models import Council
from ..extensions import db
from . import demand
from .filters import default
from .privacy import THRESHOLD

PANEL_ROWS = 5


@dataclass(frozen=True)
class Signals:
    council: Council
    area: str | None  # one of the council's districts, or None for all of them
    period: str  # in words, "December 2025 to November 2026"
    queries: list[dict]  # {"area", "query", "searches"}, most searched first
    gaps: list[dict]  # {"area", "category", "holders"}, most needed first
    posts: list[dict] = ()  # {"area", "category", "posts"}: needs people posted that nobody met, 5 or more

    @property
    def place(self) -> str:
        return self.council.name.removesuffix(" Council")


def for_council(council: Council, area: str | None = None) -> Signals:
    """The signals for ``council`` (and one of its districts: anything else means every area)."""
    area = area if area in (council.postcode_districts or []) else None
    filters = replace(default(council), area=area)
    return Signals(council, area, filters.period_words, demand.unfound_queries(demand.searches(filters), by_area=True),
                   demand.gaps_by_area_and_category(demand.unsupplied(filters)),
                   [row for row in demand.unmet_posts(filters) if row["posts"] >= THRESHOLD])


def council_by_slug(slug: str) -> Council | None:
    return db.session.scalar(select(Council).where(Council.slug == slug[:60]))


def for_organisation(organisation) -> list[Signals]:
    """The signals of every council that has approved ``organisation``, for its portal."""
    ids = organisation.approved_council_ids()
    if not ids:
        return []
    councils = db.session.scalars(select(Council).where(Council.id.in_(ids)).order_by(Council.name))
    return [for_council(council) for council in councils]
