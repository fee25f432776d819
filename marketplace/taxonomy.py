"""The shared vocabulary: categories, outcomes, price units and postcode districts.

Plans, orders, the catalogue and reports all speak it, so it lives here rather than in the catalogue.

Categories cover every spend category of the Stockport pilot
(``marketplace/data/spend_categories.csv``) and what support markets sell. Outcomes
are the ten Care Act 2014 eligibility outcomes (``marketplace/data/outcomes.csv``).
"""
from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from importlib import resources

PRICE_UNITS = {
    "hour": "an hour", "half_hour": "a half hour", "session": "a session", "day": "a day", "week": "a week",
    "month": "a month", "item": "each", "membership": "a membership",
}
# What support markets sell, beyond (or overlapping) the pilot's spend categories:
# slug -> (name, group, examples). Where a market category is the same thing as a
# spend category, it maps onto it (see SPEND_TO_SLUG) rather than duplicating it.
MARKET_CATEGORIES = {
    "personal-care": ("Personal care", "Everyday tasks", "help with washing, dressing, eating, medication"),
    "day-opportunities": ("Day opportunities", "Socialising", "day centres, activity groups, skills sessions"),
    "equipment": ("Equipment and adaptations", "Home", "grab rails, mobility aids, assistive technology"),
    "employment-support": ("Employment support", "Employment", "job coaching, CV help, supported internships"),
    "peer-support": ("Peer support", "Socialising", "peer groups, recovery mentors, hearing voices groups"),
    "advocacy": ("Advocacy", "Planning and advice", "independent advocacy, Care Act advocacy"),
    "support-planning": ("Support planning and brokerage", "Planning and advice", "writing a support plan, peer brokerage"),
    "payroll-managed-accounts": ("Payroll and managed-account services", "Planning and advice", "PA payroll, managed accounts, DBS checks"),
    "community-activities": ("Community activities", "Socialising", "free groups, drop-ins, walking groups, time banks"),
}

SPEND_TO_SLUG = {
    "Support worker": "support-worker",
    "Holiday or short break": "short-breaks",
    "Leisure activities": "leisure",
    "Gym membership": "gym",
    "Domestic help": "domestic-help",
    "Personal assistant": "personal-assistant",
    "Transport": "transport",
    "Computing equipment": "computing",
    "Support in social activities": "social-support",
    "Home improvements": "home-improvements",
    "Study and education": "education",
    "Sports activities": "sports",
    "Days out": "days-out",
    "Wellness": "wellness",
    "Membership and entrance fees": "memberships",
    "Specialist clothing": "specialist-clothing",
    "The arts": "arts",
    "Other": "other",
    "Gardening equipment and supplies": "gardening",
    "Driving lessons": "driving-lessons",
    "Bills": "bills",
    "Cycle": "cycles",
    "Enterprise funding": "enterprise",
    "Electronic equipment": "electronics",
    "Childcare": "childcare",
}

# Friendlier names where the report's wording is terse.
DISPLAY_NAMES = {"Holiday or short break": "Holidays and short breaks", "Cycle": "Cycles", "Gardening equipment and supplies": "Gardening"}


def _data(name: str) -> str:
    return resources.files("marketplace.data").joinpath(name).read_text(encoding="utf-8")


@lru_cache
def outcomes() -> dict[str, dict]:
    """code -> {"code", "name", "plain"}: the ten Care Act outcomes, in the file's order."""
    rows = csv.DictReader(io.StringIO(_data("outcomes.csv")))
    return {r["code"]: {"code": r["code"], "name": r["outcome"], "plain": r["plain_words"]} for r in rows}


@lru_cache
def categories() -> dict[str, dict]:
    """slug -> {"slug", "name", "group", "examples", "spend_rank"}: every category, spend ones first."""
    result: dict[str, dict] = {}
    for row in csv.DictReader(io.StringIO(_data("spend_categories.csv"))):
        slug = SPEND_TO_SLUG[row["category"]]
        result[slug] = {
            "slug": slug, "name": DISPLAY_NAMES.get(row["category"], row["category"]), "group": row["summary_group"],
            "examples": row["examples"], "spend_rank": int(row["rank"]),
        }
    for slug, (name, group, examples) in MARKET_CATEGORIES.items():
        result[slug] = {"slug": slug, "name": name, "group": group, "examples": examples, "spend_rank": None}
    return result


def category_name(slug: str | None) -> str:
    return categories().get(slug or "", {}).get("name", slug or "")


def outcome_plain(code: str) -> str:
    return outcomes().get(code, {}).get("plain", code)


POSTCODE_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")


def normalise_district(text: str | None) -> str | None:
    """'sk4 2ab' -> 'SK4'; returns None for anything that is not a postcode or district."""
    if not text:
        return None
    first = text.strip().upper().split()[0] if text.strip() else ""
    if len(first) > 4 and " " not in text.strip():  # a full postcode typed without a space
        first = first[:-3]
    return first if POSTCODE_DISTRICT.match(first) else None
