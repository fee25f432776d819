"""The load test's councils, providers and 50,000 listings, as rows (the bulk path of generate.py).

Listing text comes from the search benchmark's vocabulary (bench/search.py), so the words people type
in the Locust test (its query list) find what they would find there. Ten councils: the five reference
councils, and five more with the same rules as one of them under another name and their own postcode
districts (an assumption: the reference data has five).
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from bench.search import (
    ACCESS,
    ADJECTIVES,
    AUDIENCES,
    CATEGORY_WORDS,
    DAY_CODES,
    FIRST_NAMES,
    LAST_NAMES,
    ORG_PREFIXES,
    ORG_SUFFIXES,
    PA_SKILLS,
    STREETS,
    TIMES,
    TOWNS,
    TRAINING,
    VENUES,
)

EXTRA_COUNCILS = [  # (slug, name, district prefix, the reference council whose rules it copies)
    ("fenwick", "Fenwick Council", "FW", "aldermoor"),
    ("glenholme", "Glenholme Council", "GH", "birchley"),
    ("hartside", "Hartside Council", "HT", "coldwater"),
    ("ivydale", "Ivydale Council", "IV", "dunmere"),
    ("juniper", "Juniper Vale Council", "JV", "eskbridge"),
]
SERVICE_CATEGORIES = [c for c in CATEGORY_WORDS if c not in ("community-activities", "peer-support", "personal-assistant",
                                                             "support-planning")]


def council_rules(reference: list[dict]) -> list[dict]:
    """The ten councils' rules: the reference five and the five copies."""
    by_slug = {r["slug"]: r for r in reference}
    extra = []
    for slug, name, prefix, copied in EXTRA_COUNCILS:
        extra.append({**by_slug[copied], "slug": slug, "name": name,
                      "postcode_districts": [f"{prefix}{n}" for n in range(1, 7)]})
    return list(reference) + extra


def towns(slug: str) -> list[str]:
    copied = {s: c for s, _n, _p, c in EXTRA_COUNCILS}.get(slug, slug)
    return TOWNS.get(copied, ["Town"])


def _price(rng, low: int, high: int) -> int:
    return low * 100 + int(max(0, (high - low) * 2) * rng.random() ** 1.6) * 50


def organisations(rng: random.Random, count: int, slugs: list[str], stamp) -> list[dict]:
    """Service providers: each approved in its home council, a third in one or two more, 5% everywhere."""
    rows = []
    for n in range(count):
        home = slugs[n % len(slugs)]
        approved = list(slugs) if rng.random() < 0.05 else [home] + rng.sample([s for s in slugs if s != home],
                                                                                  rng.choice([0, 0, 1, 2]))
        rows.append(dict(name=f"{rng.choice(ORG_PREFIXES)} {rng.choice(ORG_SUFFIXES)} {n + 1}", kind="provider",
                         email=f"provider{n}@load.example.com", areas_served=[], languages=["en"], invoicing="per_delivery",
                         created_at=stamp, _home=home, _approved=approved,
                         _categories=rng.sample(SERVICE_CATEGORIES, rng.randint(1, 4))))
    return rows


def listings(rng: random.Random, count: int, orgs: list[dict], districts: dict[str, list[str]], stamp: datetime):
    """``count`` published listings: about 85% services of the organisations above, 7% personal assistants
    (each their own organisation, made by the caller from ``people``), 8% free community resources.
    Returns (listing rows, people): a row's ``_org`` is an index into orgs, or ("person", i)."""
    rows, people = [], []
    slugs = list(districts)
    for n in range(count):
        roll = rng.random()
        published = stamp - timedelta(days=rng.randint(1, 900))
        confirmed = stamp - timedelta(days=rng.randint(0, 150))  # none stale (six months)
        days = sorted(rng.sample(DAY_CODES, rng.randint(1, 7)), key=DAY_CODES.index)
        base = dict(status="published", published_at=published, created_at=published, updated_at=confirmed,
                    last_confirmed_at=confirmed, vat_rate_percent=0, notice_hours=24, cancellation_charge_percent=100,
                    days=days, times=rng.choice(TIMES), min_age=18, languages=["en"])
        if roll < 0.85:
            index = rng.randrange(len(orgs))
            org = orgs[index]
            category = rng.choice(org["_categories"])
            heads, phrases, (low, high), units, delivery, outcomes = CATEGORY_WORDS[category]
            head, town, audience = rng.choice(heads), rng.choice(towns(org["_home"])), rng.choice(AUDIENCES)
            style = rng.random()
            title = (f"{rng.choice(ADJECTIVES)} {head[:1].lower()}{head[1:]}" if style < 0.3 else
                     f"{head} in {town}" if style < 0.55 else f"{head} for {audience}" if style < 0.75 else head)
            served = [d for s in org["_approved"] for d in districts[s]]
            areas = sorted(rng.sample(served, min(8, len(served), rng.randint(1, len(org["_approved"]) * 4))))
            modes = sorted(rng.sample(delivery, rng.randint(1, len(delivery))))
            text = [f"{rng.choice(phrases)[:1].upper()}{rng.choice(phrases)[1:]} for {audience} across {town}.",
                    f"Our team is DBS checked and trained in {rng.choice(TRAINING)} and {rng.choice(TRAINING)}.",
                    f"Sessions at the {rng.choice(VENUES)} on {rng.choice(STREETS)}, {town}." if "venue" in modes else
                    "We come to you at home.",
                    "We can meet you first for a free chat to see if we are the right fit."]
            rows.append({**base, "_org": index, "kind": "service", "title": title[:200],
                         "summary": text[0][:300], "description": " ".join(text), "category": category,
                         "outcomes": rng.sample(outcomes, rng.randint(1, len(outcomes))),
                         "price_pence": 0 if rng.random() < 0.03 else _price(rng, max(1, low), high),
                         "price_unit": rng.choice(units), "delivery_modes": modes, "areas": areas,
                         "accessibility_features": sorted(rng.sample(list(ACCESS), rng.randint(0, 4)))})
        elif roll < 0.92:
            first, last, home = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), rng.choice(slugs)
            skills = rng.sample(PA_SKILLS, 3)
            people.append(dict(name=f"{first} {last} PA", kind="personal_assistant", email=None, areas_served=[],
                               languages=["en"], invoicing="per_delivery", created_at=stamp, _home=home, _approved=[home],
                               _person=dict(role="personal_assistant", display_name=f"{first} {last[0]}.", skills=skills,
                                            references_available=True, availability=rng.choice(TIMES))))
            rows.append({**base, "_org": ("person", len(people) - 1), "kind": "person",
                         "title": f"Personal assistant: {first}, {', '.join(skills[:2])}",
                         "summary": f"{first} is a personal assistant who can help with {', '.join(skills)}.",
                         "description": f"Self employed. Lives in {rng.choice(towns(home))}. DBS checked, with references.",
                         "category": "personal-assistant", "outcomes": ["community", "relationships"],
                         "price_pence": _price(rng, 12, 17), "price_unit": "hour", "delivery_modes": ["home", "venue"],
                         "areas": sorted(rng.sample(districts[home], min(2, len(districts[home])))), "accessibility_features": []})
        else:
            home = rng.choice(slugs)
            district = rng.choice(districts[home])
            heads, phrases, *_ = CATEGORY_WORDS["community-activities"]
            rows.append({**base, "_org": None, "_council": home, "kind": "community",
                         "title": f"{rng.choice([district, rng.choice(towns(home))])} {rng.choice(heads).lower()}",
                         "summary": rng.choice(phrases)[:300], "description": "Everyone is welcome. Just turn up.",
                         "category": "community-activities", "outcomes": ["community", "relationships"], "price_pence": 0,
                         "price_unit": "session", "delivery_modes": ["venue"], "areas": [district],
                         "venue_address": f"{rng.choice(VENUES).title()}, {rng.choice(STREETS)}, {district}",
                         "accessibility_features": []})
    return rows, people


def stamp_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)
