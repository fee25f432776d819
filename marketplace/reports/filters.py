"""A report's filters from the query string, each checked against a list (never used as given): the
council is the viewer's own; the period is whole months; the area is one of the council's postcode
districts; the category one of the catalogue's. A second set, for comparing side by side, comes from
``compare_*`` parameters."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .. import clock, taxonomy

MONTH = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")
LONGEST_MONTHS = 36


@dataclass(frozen=True)
class Filters:
    council: object
    start: date  # the first day of the first month
    end: date  # the last day of the last month
    area: str | None = None
    category: str | None = None

    @property
    def period_words(self) -> str:
        first, last = f"{self.start:%B %Y}", f"{self.end:%B %Y}"
        return first if first == last else f"{first} to {last}"

    @property
    def words(self) -> str:
        parts = [self.period_words]
        if self.area:
            parts.append(f"area {self.area}")
        if self.category:
            parts.append(taxonomy.category_name(self.category))
        return ", ".join(parts)

    def args(self, prefix: str = "") -> dict:
        data = {"from": f"{self.start:%Y-%m}", "to": f"{self.end:%Y-%m}", "area": self.area or "", "category": self.category or ""}
        return {f"{prefix}{k}": v for k, v in data.items()}


def _month(text: str | None) -> date | None:
    match = MONTH.match((text or "").strip())
    return date(int(match.group(1)), int(match.group(2)), 1) if match else None


def _month_end(first: date) -> date:
    following = first.replace(year=first.year + first.month // 12, month=first.month % 12 + 1)
    return following - timedelta(days=1)


def default(council) -> Filters:
    """The last twelve months, this one included."""
    today = clock.today()
    start = today.replace(day=1)
    for _ in range(11):
        start = (start - timedelta(days=1)).replace(day=1)
    return Filters(council, start, _month_end(today.replace(day=1)))


def from_args(council, args, prefix: str = "") -> tuple[Filters, list[str]]:
    """The filters asked for (anything not on the lists is dropped, with a message), else the defaults."""
    base, problems = default(council), []
    start, end = _month(args.get(f"{prefix}from")), _month(args.get(f"{prefix}to"))
    if args.get(f"{prefix}from") and start is None or args.get(f"{prefix}to") and end is None:
        problems.append("Enter months like 2026-04. The last twelve months are shown instead.")
        start = end = None
    start, end = start or base.start, _month_end(end) if end else base.end
    if start > end:
        problems.append("The period must start before it ends. The last twelve months are shown instead.")
        start, end = base.start, base.end
    if (end.year - start.year) * 12 + end.month - start.month >= LONGEST_MONTHS:
        problems.append(f"A period can be at most {LONGEST_MONTHS} months. The last twelve months are shown instead.")
        start, end = base.start, base.end
    area = (args.get(f"{prefix}area") or "").strip().upper() or None
    if area and area not in (council.postcode_districts or []):
        problems.append(f"{area} is not one of {council.name}'s areas, so every area is shown.")
        area = None
    category = (args.get(f"{prefix}category") or "").strip() or None
    if category and category not in taxonomy.categories():
        problems.append("That category is not one of the catalogue's, so every category is shown.")
        category = None
    return Filters(council, start, end, area, category), problems


def comparison(council, args, first: Filters) -> Filters | None:
    """The second set of filters when the person asked to compare (``compare=1``): what they changed."""
    if args.get("compare") != "1":
        return None
    second, _problems = from_args(council, args, prefix="compare_")
    if second == default(council) and not any(args.get(f"compare_{k}") for k in ("from", "to", "area", "category")):
        return replace(first)
    return second
