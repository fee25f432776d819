"""Catalogue search benchmark: the project's Whoosh search against SQLite FTS5.

For each catalogue size (default 1,000, 10,000 and 50,000 listings) this

1. generates a deterministic (seeded) catalogue of UK support-market listings as index
   documents made by the application's own ``catalogue.search.document`` (as ``document_for`` makes them);
2. builds the Whoosh index with the project's own ``CatalogueIndex.rebuild``;
3. runs a fixed set of queries through the project's own ``catalogue.search.search``
   with facets, as the search page does (``with_facets=True``): one warm-up pass, then
   ``--repeat`` timed passes; every single query run is one latency sample;
4. loads the same documents into SQLite FTS5 and runs the same queries there (the text
   as an FTS5 MATCH, the filters as SQL WHERE clauses, ordered by bm25 or the sort
   column, LIMIT 20 plus a COUNT(*) for the total), as a reference for a native engine.

Run from the project root with the venv active:

    python bench/search.py                     # 1,000, 10,000 and 50,000 listings
    python bench/search.py --sizes 1000,10000  # chosen sizes
    python bench/search.py --verbose           # also per-query latencies and totals
    python bench/search.py --sizes 10000 --postgres postgresql+psycopg://postgres@127.0.0.1:5432/scratch
                                               # the PostgreSQL backend instead (SEARCH_BACKEND=postgres)

Targets (2-core machine): Whoosh query p95 <= 50 ms at 10,000 listings and
<= 150 ms at 50,000; the exit status is 1 if a target size was run and missed it.

Rebuild speed (issue 18: 50,000 listings in at most 60 s; 135 s before on an idle machine).
``CatalogueIndex.rebuild`` now writes with one Whoosh process per core (segments left unmerged)
and no longer stats a missing lengths file once per posting (``whoosh_fixes`` 5). Measured on
30 Nov 2026 while other engineers' test suites kept the 2-core machine busy (load 6 to 10), so
only figures taken side by side compare:

    same 10,000 listings, alternating runs:  before 65.7 s, 50.2 s   after 31.4 s, 32.2 s
    this benchmark at 50,000 (before / after, different loads):
        Whoosh build 614.1 s (load 2 -> 10) / 242.3 s (load 7.7 -> 5.7)
        query p95 62.3 / 29.6 ms; cold 1st (first query on a fresh index) 1038.3 / 253.5 ms;
        1st-run p95 382.7 / 205.2 ms
    this benchmark at 50,000 after, on a quieter machine (load 2.5 -> 2.0): build 72.0 s,
        p95 22.0 ms, 1st-run p95 105.4 ms, cold 1st 259.6 ms (the issue's before: 135 s, 108 ms, 204 ms)
    side by side at 50,000 (load about 1.5), one process then one per core: build 142.1 / 69.9 s,
        cold 1st 237 / 275 ms, 1st-run p95 116 / 116 ms. The unmerged segments cost the cold first
        query about 15%; merging them costs the build three times over, so they are left unmerged.

``catalogue.search`` caches bitmasks and term scores per index version, so the timed
passes run on warm caches; the "1st-run" columns show each query's first run, and
"cold 1st" the first query on a freshly opened index. Timings are wall-clock: other work
on the machine skews them (the load average is printed alongside).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from catalogue.search import CatalogueIndex, IndexedListing, SearchRequest, document, price_field, search  # noqa: E402
from catalogue.search import engine as search_engine  # noqa: E402

# Every timed run searches: the index keeps no results (the app keeps a searcher's results by request,
# and a repeated query would be answered from memory; outside an app there is no shared cache either).
search_engine.RESULTS_KEPT = 0
from marketplace import taxonomy  # noqa: E402

SEED = 20260301
DEFAULT_SIZES = (1000, 10000, 50000)
TARGETS_P95_MS = {10000: 50.0, 50000: 150.0}

# --- vocabulary ------------------------------------------------------------------

# category slug -> (title heads, descriptive phrases, (low, high) pounds, units, delivery modes, outcomes)
CATEGORY_WORDS: dict[str, tuple] = {
    "support-worker": (
        ["Support worker visits", "Community support worker", "Mental health support worker", "Floating support",
         "Outreach support", "Enablement support", "Learning disability support", "Autism support worker"],
        ["help with shopping, cooking and paperwork", "support to get out and about", "help reading letters and paying bills",
         "building confidence and independence", "someone to come with you to appointments", "support with daily routines"],
        (21, 30), ["hour"], ["home", "venue"], ["nutrition", "home_safety", "community", "relationships"]),
    "short-breaks": (
        ["Seaside short break", "Weekend respite stay", "Holiday cottage break", "Accessible caravan holiday",
         "Supported holiday", "Lakeside cabin break", "Short break for carers", "Countryside retreat"],
        ["accessible rooms with wet rooms and hoists", "support staff on hand day and night",
         "trips out to the coast and countryside", "a rest for you and your family carer", "adapted holiday flats near the beach"],
        (150, 950), ["week", "session"], ["venue"], ["relationships", "community"]),
    "leisure": (
        ["Cinema and meal out", "Bowling evenings", "Theatre trips", "Pub quiz night", "Fishing trips",
         "Live music with support", "Bingo and social evening", "Karaoke night"],
        ["someone to go with you to the cinema and for a meal", "friendly evenings out with a support worker on hand",
         "relaxed performances with quiet spaces", "a night out with people who share your interests"],
        (8, 55), ["session"], ["venue"], ["community", "relationships"]),
    "gym": (
        ["Gym membership with induction", "Personal trainer sessions", "Fitness classes", "Quiet hours gym",
         "Strength and balance classes", "Chair based exercise", "Aqua aerobics", "Circuit training"],
        ["an induction at a quiet time", "a personal trainer who understands disability", "accessible fitness equipment",
         "classes for beginners and older people", "one to one fitness sessions at a pace that suits you"],
        (15, 45), ["month", "session"], ["venue", "home"], ["community"]),
    "domestic-help": (
        ["Home cleaning help", "Regular cleaner", "Housework help", "Ironing service", "Deep clean",
         "Help around the house", "Laundry and ironing", "Spring clean"],
        ["a regular cleaner you can rely on", "vacuuming, dusting and mopping", "changing beds and doing the laundry",
         "keeping the kitchen and bathroom clean", "decluttering and tidying", "help with housework and light garden jobs"],
        (14, 22), ["hour"], ["home"], ["habitable_home"]),
    "personal-assistant": (
        ["Personal assistant matching service", "Personal assistant recruitment", "Relief PA cover", "PA finder",
         "Personal assistant agency"],
        ["find, interview and employ your own personal assistant", "a PA who shares your interests",
         "flexible hours to suit you", "help to go out, socialise and shop"],
        (12, 120), ["hour", "item"], ["home", "online"], ["community", "relationships"]),
    "transport": (
        ["Accessible taxi service", "Wheelchair taxi", "Community minibus trips", "Door to door transport",
         "Dial a ride", "Hospital transport", "Car hire with driver"],
        ["wheelchair accessible vehicles", "drivers trained in disability awareness", "trips to shops, clubs and appointments",
         "door to door pick up and drop off", "a driver who waits while you shop"],
        (3, 30), ["item"], ["home"], ["community"]),
    "computing": (
        ["Laptop with setup and lessons", "Tablet and online safety course", "Computer lessons", "Digital skills course",
         "Desktop computer with support", "Smartphone training"],
        ["set up for you at home", "learning to video call your family", "staying safe online",
         "email, online shopping and banking", "software for reading the screen aloud"],
        (20, 520), ["item", "hour"], ["home", "online"], ["work_learning", "relationships"]),
    "social-support": (
        ["Befriending and social support", "Befriender visits", "Companionship", "Support to join groups",
         "Social confidence coaching"],
        ["someone to go with you to groups and activities", "a friendly face each week", "building friendships",
         "tackling loneliness and isolation"],
        (14, 24), ["hour"], ["home", "venue"], ["relationships", "community"]),
    "home-improvements": (
        ["Decorating a room", "Fridge freezer supplied and fitted", "New carpets fitted", "Painting and decorating",
         "Handyman service", "Kitchen repairs", "Bathroom refit"],
        ["a decorator paints one room, with you choosing the colours", "small repairs done the same week",
         "old appliances taken away", "hard wearing carpets fitted for wheelchairs"],
        (40, 650), ["item"], ["home"], ["habitable_home", "nutrition"]),
    "education": (
        ["Creative writing course", "Literacy tutor", "Maths tutor", "English language classes", "University module",
         "Adult learning course", "Numeracy lessons"],
        ["one to one reading and writing lessons at your own pace", "a ten week evening course for beginners",
         "learning in small friendly groups", "qualifications recognised by employers"],
        (15, 400), ["hour", "item"], ["venue", "online", "home"], ["work_learning"]),
    "sports": (
        ["Horse riding lessons", "Tennis club membership", "Swimming lessons for adults", "Adapted football",
         "Boccia club", "Wheelchair basketball", "Climbing sessions", "Golf lessons"],
        ["a patient instructor and accessible stables", "coaching for every ability", "small group swimming in a quiet pool session",
         "adapted equipment provided"],
        (5, 140), ["session", "membership"], ["venue"], ["community", "relationships"]),
    "days-out": (
        ["Supported day trips", "Days out to the coast", "Museum visits", "Zoo trip", "Countryside walks",
         "Steam railway trip"],
        ["day trips to the coast, the countryside and places of interest", "accessible coach with a lift",
         "packed lunch included"],
        (20, 95), ["day"], ["venue"], ["community", "relationships"]),
    "wellness": (
        ["Relaxation and massage sessions", "Mindfulness course", "Reflexology", "Pamper session", "Talking therapy",
         "Counselling sessions", "Yoga classes", "Aromatherapy"],
        ["gentle massage to ease stress", "managing stress and low mood", "a calm space to unwind",
         "a qualified counsellor who listens"],
        (10, 120), ["session", "item"], ["venue", "online", "home"], ["relationships"]),
    "memberships": (
        ["Leisure centre annual pass", "Museum membership", "Club membership", "Cinema card", "Heritage membership",
         "Football season ticket"],
        ["a year's pass to the pool, gym and classes", "free entry for a companion", "members' events every month"],
        (20, 360), ["membership"], ["venue"], ["community"]),
    "specialist-clothing": (
        ["Riding kit and boots", "Adaptive clothing", "Wide fitting shoes", "Swimwear with easy fastenings",
         "Waterproofs for wheelchair users"],
        ["clothes with easy fastenings, chosen and fitted with you", "fitted at home or in store", "made to measure"],
        (20, 180), ["item"], ["home", "venue"], ["clothing"]),
    "arts": (
        ["Art classes", "Community choir", "Pottery workshop", "Drama group", "Photography club", "Music lessons",
         "Dance classes"],
        ["weekly painting and drawing classes for all abilities", "sing with others, no experience needed",
         "a friendly group that performs twice a year", "materials provided"],
        (5, 25), ["session", "month"], ["venue", "online"], ["community", "relationships"]),
    "other": (
        ["Pet care while you are unwell", "Dog walking", "Hairdresser home visits", "Chiropody", "Meal delivery",
         "Prescription collection"],
        ["dog walking and pet care when you cannot manage it yourself", "hot meals delivered to your door",
         "a hairdresser who comes to you"],
        (8, 30), ["hour", "item"], ["home"], ["home_safety", "habitable_home"]),
    "gardening": (
        ["Gardening help", "Garden shed, tools and seeds", "Allotment gardening sessions", "Lawn mowing",
         "Hedge trimming", "Garden clearance", "Raised beds built", "Therapeutic gardening"],
        ["mowing, weeding and pruning", "keeping your garden tidy all year", "growing vegetables and flowers",
         "raised beds you can reach from a wheelchair", "compost, seeds and tools supplied"],
        (5, 400), ["hour", "item", "session"], ["home", "venue"], ["habitable_home", "home_safety", "nutrition", "community"]),
    "driving-lessons": (
        ["Driving lessons", "Adapted car driving lessons", "Intensive driving course", "Theory test coaching",
         "Mobility car assessment"],
        ["patient driving lessons with adapted cars available", "pick up from your home", "lessons for nervous learners"],
        (30, 50), ["hour"], ["home"], ["community", "work_learning"]),
    "bills": (
        ["Help sorting out bills", "Money and budgeting advice", "Benefits check", "Paperwork support",
         "Energy bill advice"],
        ["someone to help you understand and pay your household bills", "help with forms and letters",
         "making your budget go further"],
        (15, 30), ["hour"], ["home", "online"], ["habitable_home"]),
    "cycles": (
        ["Bike with fitting and maintenance", "Adapted cycling sessions", "Tricycle hire", "Electric bike",
         "Tandem rides", "Bike repairs"],
        ["trikes, handbikes and tandems for everyone to ride", "a bike chosen for you and serviced for a year",
         "traffic free routes"],
        (5, 1200), ["item", "session"], ["venue"], ["community"]),
    "enterprise": (
        ["Start your own small business", "Micro enterprise coaching", "Business planning sessions",
         "Market stall start up", "Self employment advice"],
        ["coaching to plan and start a micro enterprise", "help with a business plan and funding bids",
         "selling your crafts online"],
        (30, 80), ["session"], ["venue", "online"], ["work_learning"]),
    "electronics": (
        ["Digital camera with photography course", "Smart speaker set up", "Hearing aid compatible phone",
         "Television and set top box", "Tablet for communication"],
        ["set up and explained in plain words", "voice control for lights and heating", "a short course on taking good photos"],
        (40, 600), ["item"], ["home"], ["community", "relationships"]),
    "childcare": (
        ["Help with the school run", "Nursery sessions", "Childminder", "After school club", "Holiday club",
         "Babysitting"],
        ["reliable help getting your children to and from school", "sessions so you can rest or attend appointments",
         "an Ofsted registered childminder"],
        (6, 55), ["hour", "session"], ["home", "venue"], ["caring"]),
    "personal-care": (
        ["Personal care at home", "Morning and evening care calls", "Home care", "Live in care", "Night sitting",
         "Help with washing and dressing", "Medication support"],
        ["help with washing, dressing and medication", "from a CQC registered care provider",
         "consistent carers who get to know you", "help getting up and going to bed"],
        (13, 30), ["hour", "half_hour"], ["home"], ["hygiene", "clothing", "toilet", "nutrition", "home_safety"]),
    "day-opportunities": (
        ["Day opportunities centre", "Activity group", "Skills sessions", "Dementia friendly day club",
         "Learning disability day service", "Day centre"],
        ["activities, skills sessions and company in a welcoming day centre", "cooking, crafts and outings",
         "transport to and from the centre"],
        (25, 80), ["day", "session"], ["venue"], ["community", "relationships", "work_learning"]),
    "equipment": (
        ["Grab rails fitted", "Mobility scooter", "Telecare alarm", "Stairlift", "Wheelchair",
         "Assistive technology assessment", "Bath lift", "Hoist"],
        ["grab rails and small adaptations fitted at home", "a personal alarm that calls for help",
         "assessed by an occupational therapist", "servicing and repairs included"],
        (12, 2500), ["item", "month"], ["home"], ["home_safety", "hygiene"]),
    "employment-support": (
        ["Job coaching", "Volunteering placements", "Supported internship", "CV and interview help", "Work experience",
         "Employment support"],
        ["a job coach helps you find and keep work you enjoy", "support in your first weeks at work",
         "help with applications and interviews"],
        (15, 40), ["hour", "session"], ["venue", "online"], ["work_learning", "community"]),
    "peer-support": (
        ["Peer support group", "Recovery mentor", "Hearing voices group", "Autism peer group", "Carers peer support",
         "Stroke survivors group"],
        ["run by people with lived experience", "a safe space to share and listen", "meet online or in person"],
        (1, 10), ["session"], ["venue", "online"], ["relationships"]),
    "advocacy": (
        ["Independent advocacy", "Care Act advocacy", "Self advocacy group", "Mental health advocacy",
         "Advocate for meetings"],
        ["an advocate helps you have your say in decisions about your care", "support at reviews and meetings",
         "independent of the council"],
        (25, 45), ["hour"], ["home", "venue", "online"], ["relationships"]),
    "support-planning": (
        ["Support planning and brokerage", "Peer brokerage", "Writing your support plan", "Support plan review",
         "Personal budget advice"],
        ["help to write your support plan and arrange the support in it", "ideas for using your personal budget",
         "from people who manage their own budgets"],
        (25, 50), ["hour"], ["home", "online"], ["community", "relationships"]),
    "payroll-managed-accounts": (
        ["PA payroll service", "Managed account service", "DBS checks for PAs", "Employer insurance and payroll",
         "Direct payment support"],
        ["we run payroll, pensions and tax for the PAs you employ", "monthly statements you can understand",
         "we hold your budget and pay providers on your instruction"],
        (10, 40), ["month"], ["online"], ["habitable_home"]),
    "community-activities": (
        ["Walking group", "Mental health drop in", "Time bank", "Library reading group", "Men's shed",
         "Community garden", "Craft and chat", "Parkrun", "Community cafe lunch", "Coffee morning", "Lunch club",
         "Knit and natter"],
        ["a gentle weekly walk followed by a cuppa", "a friendly drop in to chat and have a brew",
         "woodwork, repairs and company in a shared workshop", "grow food and flowers together",
         "a pay as you feel lunch and a warm welcome"],
        (0, 0), ["session"], ["venue"], ["community", "relationships"]),
}

ADJECTIVES = ["Friendly", "Reliable", "Flexible", "Affordable", "Local", "Accessible", "Experienced", "Patient",
              "Small group", "One to one", "Award winning", "Family run", "Specialist", "Supported", "Relaxed"]
AUDIENCES = ["older people", "adults with a learning disability", "autistic adults", "people living with dementia",
             "people with a physical disability", "people with sight loss", "deaf people", "unpaid carers",
             "young adults", "people recovering from a stroke", "people with mental health needs", "families",
             "wheelchair users", "people with long term conditions", "veterans", "people with brain injury"]
TRAINING = ["safeguarding", "moving and handling", "first aid", "autism awareness", "dementia care",
            "medication administration", "positive behaviour support", "British Sign Language", "epilepsy awareness",
            "mental health first aid", "food hygiene", "stoma care", "PEG feeding"]
TOWNS = {
    "aldermoor": ["Aldermoor", "Heaton Mersey", "Brinnington", "Reddish", "Marple", "Bramhall", "Cheadle", "Hazel Grove"],
    "birchley": ["Birchley", "Halliwell", "Tonge Moor", "Farnworth", "Horwich"],
    "coldwater": ["Coldwater", "Nantwich", "Winsford", "Middlewich"],
    "dunmere": ["Dunmere", "Thorne", "Bentley", "Armthorpe", "Mexborough", "Conisbrough"],
    "eskbridge": ["Eskbridge", "Exmouth", "Topsham", "Heavitree", "Pinhoe"],
}
STREETS = ["High Street", "Station Road", "Church Lane", "Mill Street", "Park Road", "Market Place", "Victoria Road",
           "King Street", "Queens Road", "Chapel Street", "Bridge Street", "Manor Road", "Green Lane", "School Lane"]
VENUES = ["community centre", "leisure centre", "library", "church hall", "village hall", "sports club", "day centre",
          "community hub", "family centre", "resource centre"]
ORG_PREFIXES = ["Brightside", "Harbour", "Oak Tree", "Northern Lights", "Riverside", "Kindred", "Open Door", "Sunrise",
                "Meadow Lane", "Clearview", "Pathways", "Willow", "Beacon", "Cedar", "Evergreen", "Horizon", "Lighthouse",
                "Maple", "Orchard", "Primrose", "Rosewood", "Silver Birch", "Thistle", "Valley", "Heather", "Foxglove",
                "Kingfisher", "Acorn", "Bluebell", "Compass", "Handy", "Safe Hands", "Wheels For All", "FitTogether",
                "Creative Minds", "Rise", "Voices", "SmartStart", "Bridge", "Little Acorns", "Calm Space", "Easy Wheels",
                "Haven", "Keystone", "Lantern", "Millstone", "Northway", "Penny Lane", "Quayside", "Redwood", "Stepping Stones",
                "Trinity", "Unity", "Wayfarer", "Yew Tree", "Zest", "Ivy House", "Juniper", "Larkspur", "Moorland"]
ORG_SUFFIXES = ["Care", "Home Care", "Support", "Wellbeing", "Day Services", "Living", "Short Breaks", "Gardening",
                "Cleaning Co-op", "Transport", "Learning", "Fitness", "Arts", "Employment", "Advocacy", "Equipment", "Tech",
                "Brokerage", "CIC", "Trust", "Partnership", "Services", "Community Interest Company", "Charity",
                "Foundation", "Collective", "Network", "Helpers", "Outreach", "Solutions"]
FIRST_NAMES = ["Amira", "Ben", "Chloe", "Dev", "Eve", "Femi", "Gemma", "Harry", "Isla", "Jack", "Kasia", "Leon", "Mei",
               "Nadia", "Oscar", "Paula", "Rosa", "Sean", "Tara", "Usman", "Vicky", "Wes", "Yasmin", "Zoe", "Aled", "Mo",
               "Rita", "Stan", "Helen", "Kemal", "Fran", "Gil", "Lou", "Priya", "Tomasz", "Siobhan", "Kwame", "Bronwen",
               "Callum", "Deepa", "Ewan", "Farah", "Graham", "Hannah", "Imran", "Joanne", "Kieran", "Lucy", "Marek",
               "Niamh", "Olu", "Patrick", "Rhiannon", "Samir", "Tanya", "Victor", "Wendy", "Xavier", "Yusuf", "Zainab"]
LAST_NAMES = ["Hussain", "Carter", "Davies", "Mistry", "Morgan", "Adeyemi", "Lloyd", "Price", "Grant", "Doyle",
              "Zielinska", "Ward", "Chen", "Rahman", "Bell", "Silva", "Byrne", "Quinn", "Ali", "Hale", "Tran", "Kaur",
              "Fraser", "Jones", "Jackson", "Okoro", "Lewis", "Cross", "Aydin", "Moss", "Reed", "Pike", "Patel", "Smith",
              "Williams", "Taylor", "Brown", "Evans", "Walsh", "Murphy", "Nowak", "Begum", "Khan", "Owusu", "Campbell",
              "McDonald", "Robinson", "Wright", "Hughes", "Edwards", "Green", "Hall", "Wood", "Clarke", "Thompson"]
PA_SKILLS = ["cooking", "driving", "mental health first aid", "personal care", "shopping", "gardening", "swimming",
             "British Sign Language", "medication prompts", "budgeting", "going to the gym", "art and crafts",
             "autism awareness", "dementia care", "hoisting", "Makaton", "football", "music", "computers", "dog walking"]
LIVED_EXPERIENCE = ["I have used mental health services and managed my own personal budget.",
                    "I am autistic and have arranged my own support for ten years.",
                    "I care for my son and know how the system works from the inside.",
                    "I had a stroke in my forties and rebuilt my life with a direct payment."]
LANG_CODES = ["en", "cy", "pl", "ur", "pa", "bn", "gu", "ar", "so", "ro", "zh", "bsl"]
LANG_NAMES = {"en": "English", "cy": "Welsh", "pl": "Polish", "ur": "Urdu", "pa": "Punjabi", "bn": "Bengali",
              "gu": "Gujarati", "ar": "Arabic", "so": "Somali", "ro": "Romanian", "zh": "Chinese",
              "bsl": "British Sign Language"}
ACCESS = {"step_free": "step free access", "accessible_toilet": "an accessible toilet", "hearing_loop": "a hearing loop",
          "bsl": "British Sign Language interpreters on request", "easy_read": "easy read information",
          "quiet_space": "a quiet space", "parking": "accessible parking", "assistance_dogs": "assistance dogs welcome"}
DAY_CODES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_NAMES = dict(zip(DAY_CODES, ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"]))
TIMES = ["9am to 5pm", "mornings", "afternoons", "evenings", "10am to 12 noon", "flexible hours by arrangement",
         "early mornings and late evenings", "24 hours"]
CQC = ["Good", "Outstanding", "Requires improvement"]
PUBLISHED_FROM = int(datetime(2023, 1, 1, tzinfo=timezone.utc).timestamp())
PUBLISHED_TO = int(datetime(2026, 2, 1, tzinfo=timezone.utc).timestamp())


def load_councils() -> dict[str, list[str]]:
    """The project's councils (slug -> postcode districts), from marketplace/data/council_rules.json."""
    data = json.loads(resources.files("marketplace.data").joinpath("council_rules.json").read_text(encoding="utf-8"))
    return {c["slug"]: list(c["postcode_districts"]) for c in data["councils"]}


# --- catalogue generation ------------------------------------------------------

@dataclass
class Organisation:
    name: str
    home: str
    councils: list[str]
    categories: list[str]
    languages: list[str]
    since: int
    cqc: str | None


def _price_pence(rng: random.Random, low: int, high: int) -> int:
    """A price between low and high pounds in 50p steps, skewed towards the cheaper end."""
    steps = max(0, (high - low) * 2)
    return low * 100 + int(steps * rng.random() ** 1.6) * 50


def _pick(rng: random.Random, items, low: int, high: int) -> list:
    return rng.sample(items, min(len(items), rng.randint(low, high)))


def _organisations(rng: random.Random, count: int, councils: dict[str, list[str]]) -> list[Organisation]:
    slugs = list(councils)
    service_categories = [c for c in taxonomy.categories() if c != "community-activities"]
    seen: set[str] = set()
    orgs = []
    for n in range(count):
        home = slugs[n % len(slugs)]
        name = f"{rng.choice(ORG_PREFIXES)} {rng.choice(ORG_SUFFIXES)}"
        if name in seen:
            name = f"{name} {rng.choice(TOWNS[home])}"
        if name in seen:
            name = f"{name} {n}"
        seen.add(name)
        if rng.random() < 0.05:  # a national provider, approved everywhere
            approved = list(slugs)
        else:
            approved = [home] + rng.sample([s for s in slugs if s != home], rng.choice([0, 0, 1, 2]))
        orgs.append(Organisation(
            name=name, home=home, councils=approved, categories=_pick(rng, service_categories, 1, 4),
            languages=["en"] + (_pick(rng, LANG_CODES[1:], 1, 2) if rng.random() < 0.2 else []),
            since=rng.randint(1985, 2025), cqc=rng.choice(CQC) if rng.random() < 0.3 else None))
    return orgs


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _days(rng: random.Random) -> list[str]:
    roll = rng.random()
    if roll < 0.4:
        return DAY_CODES[:5]
    if roll < 0.6:
        return list(DAY_CODES)
    return sorted(_pick(rng, DAY_CODES, 1, 4), key=DAY_CODES.index)


def _day_text(days: list[str]) -> str:
    if days == DAY_CODES[:5]:
        return "weekdays"
    if days == DAY_CODES:
        return "every day of the week"
    names = [DAY_NAMES[d] for d in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _access(rng: random.Random, delivery: list[str]) -> list[str]:
    features = list(ACCESS)
    if "venue" in delivery:
        return sorted(_pick(rng, features, 0, 5), key=features.index)
    return sorted(_pick(rng, ["bsl", "easy_read", "assistance_dogs"], 0, 2), key=features.index)


def _agreed_rates(rng: random.Random, price: int, approved: list[str]) -> dict[str, int]:
    """Each approving council's agreed rate: 5-10% below the public price for about 30% of them."""
    agreed = {}
    for slug in approved:
        if price and rng.random() < 0.3:
            agreed[slug] = price * (100 - rng.randint(5, 10)) // 100 // 50 * 50
    return agreed


def _rating(rng: random.Random) -> int:
    if rng.random() < 0.35:
        return 0  # no reviews yet
    return int(round(min(5.0, max(1.0, rng.gauss(4.1, 0.6))) * 10))


def generate_catalogue(size: int, councils: dict[str, list[str]], seed: int = SEED) -> list[dict]:
    """``size`` index documents: about 78% services, 14% people (PAs, peer brokers), 8% community resources."""
    rng = random.Random(seed + size)
    outcome_codes = list(taxonomy.outcomes())
    council_order = list(councils)
    orgs = _organisations(rng, max(30, size // 8), councils)
    docs = []
    for n in range(size):
        listing_id = n + 1
        roll = rng.random()
        published = rng.randint(PUBLISHED_FROM, PUBLISHED_TO)
        if roll < 0.78:
            org = rng.choice(orgs)
            category = rng.choice(org.categories)
            heads, phrases, (low, high), units, delivery_pool, outcome_pool = CATEGORY_WORDS[category]
            head = rng.choice(heads)
            town = rng.choice(TOWNS[org.home])
            audience = rng.choice(AUDIENCES)
            style = rng.random()
            if style < 0.3:
                title = f"{rng.choice(ADJECTIVES)} {head[:1].lower()}{head[1:]}"
            elif style < 0.55:
                title = f"{head} in {town}"
            elif style < 0.75:
                title = f"{head} for {audience}"
            else:
                title = head
            districts = [d for s in org.councils for d in councils[s]]
            areas = sorted(_pick(rng, districts, 1, min(len(districts), 8)))
            delivery = sorted(_pick(rng, delivery_pool, 1, len(delivery_pool)))
            if rng.random() < 0.1 and "online" not in delivery:
                delivery.append("online")
            outcomes = _pick(rng, outcome_pool, 1, 3)
            if rng.random() < 0.15:
                outcomes.append(rng.choice(outcome_codes))
            outcomes = list(dict.fromkeys(outcomes))
            access = _access(rng, delivery)
            days = _days(rng)
            price = 0 if rng.random() < 0.03 else _price_pence(rng, max(1, low), high)
            unit = rng.choice(units)
            summary = _sentence(f"{rng.choice(phrases)} for {audience} across {town}")
            sentences = [
                _sentence(f"{org.name} has offered {head.lower()} since {org.since}"),
                _sentence(rng.choice(phrases)),
                _sentence(f"Our team is DBS checked and trained in {rng.choice(TRAINING)} and {rng.choice(TRAINING)}"),
                _sentence(f"We work with {audience} and {rng.choice(AUDIENCES)} in {', '.join(areas[:4])}"),
                _sentence(f"Available {_day_text(days)}, {rng.choice(TIMES)}"),
            ]
            if "venue" in delivery:
                sentences.append(_sentence(f"Sessions are held at the {rng.choice(VENUES)} on {rng.choice(STREETS)}, {town}"))
            if access:
                sentences.append(_sentence("We offer " + ", ".join(ACCESS[a] for a in access)))
            if len(org.languages) > 1:
                sentences.append(_sentence("Staff speak " + " and ".join(LANG_NAMES[code] for code in org.languages)))
            if org.cqc and category in ("personal-care", "support-worker", "day-opportunities", "short-breaks"):
                sentences.append(_sentence(f"Rated {org.cqc} by the CQC"))
            if price:
                sentences.append(_sentence(f"£{price / 100:.2f} per {unit.replace('_', ' ')}; pay with a direct payment, "
                                           f"a personal budget or privately"))
            if rng.random() < 0.4:
                other = rng.choice(org.categories)
                sentences.append(_sentence(f"Ask us about {rng.choice(CATEGORY_WORDS[other][0]).lower()} too"))
            if rng.random() < 0.5:
                sentences.append(_sentence("We can meet you first for a free chat to see if we are the right fit"))
            rng.shuffle(sentences)
            description = " ".join(sentences)
            item = IndexedListing(listing_id, "service", title, org.name, category, outcomes, summary, description, areas,
                                  set(org.councils), delivery, access, org.languages, days, price,
                                  rating_tenths=_rating(rng), published=published)
            item.agreed_pence = _agreed_rates(rng, price, org.councils)
        elif roll < 0.92:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            home = rng.choice(council_order)
            is_pa = rng.random() < 0.8
            skills = _pick(rng, PA_SKILLS, 2, 4)
            category = "personal-assistant" if is_pa else "support-planning"
            org_name = f"{first} {last} PA" if is_pa else f"{first} {last} (peer broker)"
            title = (f"Personal assistant: {first}, {', '.join(skills[:2])}" if is_pa
                     else f"Peer broker: {first}, support planning from lived experience")
            summary = (f"{first} is a personal assistant who can help with {', '.join(skills)}." if is_pa
                       else f"{first} helps you write your plan and find support, drawing on their own experience.")
            days = _days(rng)
            description = " ".join([
                _sentence(f"Self employed; works {_day_text(days)}, {rng.choice(TIMES)}"),
                _sentence(f"Lives in {rng.choice(TOWNS[home])} and can travel across {', '.join(councils[home][:3])}"),
                _sentence(f"Experienced with {rng.choice(AUDIENCES)}"),
                _sentence("DBS checked, with references available"),
            ])
            outcomes = (["community", "relationships", "nutrition"] if is_pa
                        else ["community", "relationships", "work_learning"])
            langs = ["en"] + (["bsl"] if "British Sign Language" in skills else []) + (
                [rng.choice(LANG_CODES[1:-1])] if rng.random() < 0.15 else [])
            delivery = ["home", "venue"] if is_pa else ["home", "online"]
            areas = sorted(_pick(rng, councils[home], 2, 4))
            price = _price_pence(rng, 12, 17) if is_pa else _price_pence(rng, 25, 40)
            lived = None if is_pa else rng.choice(LIVED_EXPERIENCE)
            item = IndexedListing(listing_id, "person", title, org_name, category, outcomes, summary, description, areas,
                                  {home}, delivery, _access(rng, delivery), langs, days, price, rating_tenths=_rating(rng),
                                  published=published, skills=skills, person_name=f"{first} {last[0]}.",
                                  lived_experience=lived)
            item.agreed_pence = _agreed_rates(rng, price, [home])
        else:
            home = rng.choice(council_order)
            district = rng.choice(councils[home])
            category = "community-activities" if rng.random() < 0.85 else "peer-support"
            heads, phrases, *_ = CATEGORY_WORDS[category]
            head = rng.choice(heads)
            title = f"{rng.choice([district, rng.choice(TOWNS[home])])} {head.lower()}"
            summary = _sentence(rng.choice(phrases))
            days = sorted(_pick(rng, DAY_CODES, 1, 2), key=DAY_CODES.index)
            description = " ".join([
                summary, "Everyone is welcome.",
                _sentence(f"Meets on {_day_text(days)}, {rng.choice(TIMES)}, at the {rng.choice(VENUES)}, "
                          f"{rng.choice(STREETS)}, {district}"),
                _sentence(rng.choice(["just turn up", "call the organiser first for a friendly chat",
                                      "register at the library", "bring comfortable shoes"])),
            ])
            outcomes = ["community", "relationships"]
            delivery = ["venue"] + (["online"] if rng.random() < 0.1 else [])
            item = IndexedListing(listing_id, "community", title, "", category, outcomes, summary, description, [district],
                                  {home}, delivery, _access(rng, delivery), ["en"], days, 0, rating_tenths=_rating(rng),
                                  published=published)
            item.agreed_pence = _agreed_rates(rng, 0, [home])
        docs.append(document(item, council_order))
    return docs


# --- the fixed query set -------------------------------------------------------

@dataclass
class BenchQuery:
    name: str
    request: SearchRequest
    fts_text: str | None = None  # an FTS5 MATCH expression used instead of the typed text
    note: str = ""  # why the FTS5 query differs


def _q(name, fts=None, note="", **kwargs) -> BenchQuery:
    return BenchQuery(name, SearchRequest(**kwargs), fts, note)


QUERIES: list[BenchQuery] = [
    # free text
    _q("browse everything (landing page)"),
    _q("gardening", text="gardening"),
    _q("typo: gardning", '"gardening"', "typo corrected by hand", text="gardning"),
    _q("synonym: PA", '"pa" OR ("personal" AND "assistant")', "synonym expanded by hand", text="PA"),
    _q("synonym: gym", '"gym" OR "fitness"', "synonym expanded by hand", text="gym"),
    _q("synonym: cleaner", '"cleaner" OR "cleaning" OR ("domestic" AND "help")', "synonym expanded by hand", text="cleaner"),
    _q("personal care at home", text="personal care at home"),
    _q("swimming lessons", text="swimming lessons"),
    _q("filler: someone to help with shopping", text="someone to help with shopping"),
    _q("dementia day centre", text="dementia day centre"),
    _q("synonym: respite", '"respite" OR ("short" AND "break")', "synonym expanded by hand", text="respite"),
    _q("typo: befreinding", '"befriending" OR "befriender" OR "companionship"', "typo corrected and synonyms expanded by hand",
       text="befreinding"),
    _q("synonym: taxi to hospital", '("taxi" OR "transport") AND "hospital"', "synonym expanded by hand",
       text="taxi to hospital"),
    _q("synonym: laptop", '"laptop" OR "computer" OR "computing"', "synonym expanded by hand", text="laptop"),
    _q("mental health peer support", text="mental health peer support"),
    _q("autism", text="autism"),
    _q("wheelchair accessible holiday", '"wheelchair" AND "accessible" AND ("holiday" OR ("short" AND "break"))',
       "synonym expanded by hand", text="wheelchair accessible holiday"),
    _q("typo: driving lesons", '"driving" AND "lessons"', "typo corrected by hand", text="driving lesons"),
    _q("art classes", text="art classes"),
    _q("horse riding", text="horse riding"),
    _q("synonym: job coach", '("job" OR "employment") AND "coach"', "synonym expanded by hand", text="job coach"),
    _q("synonym: counselling", '"counselling" OR ("talking" AND "therapy")', "synonym expanded by hand", text="counselling"),
    _q("cooking", text="cooking"),
    _q("british sign language", text="british sign language"),
    _q("synonym: advocate", '"advocate" OR "advocacy"', "synonym expanded by hand", text="advocate"),
    _q("synonym: carer", '"carer" OR ("care" AND "worker") OR ("support" AND "worker")', "synonym expanded by hand", text="carer"),
    _q("no match: xylophone quartet", text="xylophone quartet"),
    _q("filler only: support", text="support"),
    _q("urdu speaking personal care", text="urdu speaking personal care"),
    _q("typo: fitnes clases", '"fitness" AND "classes"', "typos corrected by hand", text="fitnes clases"),
    # filters, with and without text
    _q("category: gardening", categories=["gardening"]),
    _q("outcome: getting out and about", outcomes=["community"]),
    _q("swimming in gym or sports", text="swimming", categories=["gym", "sports"]),
    _q("area SK4", area="SK4"),
    _q("synonym: cleaner in BL2", '"cleaner" OR "cleaning" OR ("domestic" AND "help")', "synonym expanded by hand",
       text="cleaner", area="BL2"),
    _q("council aldermoor", council_slug="aldermoor"),
    _q("personal assistant, aldermoor SK3", '("personal" AND "assistant") OR "pa"', "synonym expanded by hand",
       text="personal assistant", council_slug="aldermoor", area="SK3"),
    _q("support worker under 20 pounds", '("support" AND "worker") OR "carer" OR ("care" AND "worker")', "synonym expanded by hand",
       text="support worker", price_max_pence=2000),
    _q("personal care 15-30 pounds", categories=["personal-care"], price_min_pence=1500, price_max_pence=3000),
    _q("free only", free_only=True),
    _q("free walking group", text="walking group", free_only=True),
    _q("gardening by price", text="gardening", sort="price"),
    _q("leisure by rating", categories=["leisure"], sort="rating"),
    _q("birchley newest", council_slug="birchley", sort="newest"),
    _q("support worker page 2", '("support" AND "worker") OR "carer" OR ("care" AND "worker")', "synonym expanded by hand",
       text="support worker", page=2),
    _q("browse page 2", page=2),
    _q("advocacy online", text="advocacy", delivery=["online"]),
    _q("step free + hearing loop in DN3", accessibility=["step_free", "hearing_loop"], area="DN3"),
    _q("personal care in Urdu", text="personal care", languages=["ur"]),
    _q("swimming at weekends", text="swimming", days=["sat", "sun"]),
    _q("people in aldermoor by price", kinds=["person"], council_slug="aldermoor", sort="price"),
    _q("community resources in SK4", kinds=["community"], area="SK4", sort="newest", page_size=5),
    _q("leisure for relationships, coldwater, <=40 pounds, by rating", outcomes=["relationships", "community"],
       categories=["leisure"], council_slug="coldwater", price_max_pence=4000, sort="rating"),
    _q("everything: gardening, aldermoor SK2, <=25 pounds, by price, page 2", text="gardening", council_slug="aldermoor",
       area="SK2", categories=["gardening", "domestic-help"], price_max_pence=2500, sort="price", page=2),
    _q("short break by the sea, dunmere", '(("short" AND "break") OR "holiday" OR "respite") AND "sea"', "synonym expanded by hand",
       text="short break by the sea", council_slug="dunmere"),
    _q("PA in eskbridge EX4 by price", '"pa" OR ("personal" AND "assistant")', "synonym expanded by hand",
       text="pa", council_slug="eskbridge", area="EX4", sort="price"),
    _q("typo: gardning in CW2", '"gardening"', "typo corrected by hand", text="gardning", area="CW2"),
    _q("hygiene at home, aldermoor", outcomes=["hygiene"], delivery=["home"], council_slug="aldermoor"),
    _q("gym under 30 pounds by price", '"gym" OR "fitness"', "synonym expanded by hand",
       text="gym", price_max_pence=3000, sort="price"),
    _q("day centre newest", text="day centre", sort="newest"),
    _q("many days and languages", days=["mon", "tue"], languages=["pl", "ur", "pa"], kinds=["service"]),
]


# --- Whoosh ----------------------------------------------------------------------

def run_whoosh(index: CatalogueIndex, queries: list[BenchQuery], repeat: int, with_facets: bool = True):
    """(cold first query ms, warm-up pass latencies, timed latencies, per-query timed latencies, totals).

    The cold query is the first on a fresh searcher; the warm-up pass is each query's first
    run (the search module's per-index caches fill as terms are first seen); the timed passes
    follow, one latency sample per query run.
    """
    t = time.perf_counter()
    search(index, queries[0].request, with_facets=with_facets)
    cold = (time.perf_counter() - t) * 1000
    first, totals = [], []
    for q in queries:  # warm-up pass
        t = time.perf_counter()
        totals.append(search(index, q.request, with_facets=with_facets).total)
        first.append((time.perf_counter() - t) * 1000)
    per_query: list[list[float]] = [[] for _ in queries]
    for _ in range(repeat):
        for i, q in enumerate(queries):
            t = time.perf_counter()
            search(index, q.request, with_facets=with_facets)
            per_query[i].append((time.perf_counter() - t) * 1000)
    return cold, first, [x for xs in per_query for x in xs], per_query, totals


# --- SQLite FTS5 -----------------------------------------------------------------

MULTI_FIELDS = ("outcome", "areas", "councils", "delivery", "access", "langs", "days")
FILLER_WORDS = {"help", "helper", "support", "service", "services", "someone", "need", "want", "look", "looking",
                "find", "local", "near", "me", "my", "with", "for", "and", "the", "a", "an", "to", "in", "of", "on",
                "at", "some", "any", "by"}


def fts5_available() -> bool:
    try:
        con = sqlite3.connect(":memory:")
        con.execute("CREATE VIRTUAL TABLE t USING fts5(a)")
        con.close()
        return True
    except sqlite3.OperationalError:
        return False


def build_fts(path: str, docs: list[dict], council_slugs: list[str]) -> sqlite3.Connection:
    con = sqlite3.connect(path)
    price_cols = [price_field(s) for s in council_slugs]
    con.executescript(f"""
        PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
        CREATE TABLE listing (id INTEGER PRIMARY KEY, kind TEXT, category TEXT, free INTEGER,
            price_public INTEGER, rating INTEGER, published INTEGER
            {''.join(f', {c} INTEGER' for c in price_cols)});
        CREATE TABLE facet (field TEXT, value TEXT, listing_id INTEGER, PRIMARY KEY (field, value, listing_id))
            WITHOUT ROWID;
        CREATE VIRTUAL TABLE fts USING fts5(title, org, tags, body, tokenize='porter unicode61');
    """)
    cols = ["id", "kind", "category", "free", "price_public", "rating", "published", *price_cols]
    with con:
        con.executemany(f"INSERT INTO listing ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                        ([int(d["id"]) if c == "id" else d.get(c) for c in cols] for d in docs))
        con.executemany("INSERT INTO fts (rowid, title, org, tags, body) VALUES (?, ?, ?, ?, ?)",
                        ((int(d["id"]), d["title"], d["org"], d["tags"], d["body"]) for d in docs))
        con.executemany("INSERT INTO facet (field, value, listing_id) VALUES (?, ?, ?)",
                        ((f, v, int(d["id"])) for d in docs for f in MULTI_FIELDS for v in d[f].split(",") if v))
    con.executescript("""
        CREATE INDEX listing_category ON listing (category);
        CREATE INDEX listing_kind ON listing (kind);
        CREATE INDEX listing_published ON listing (published);
        CREATE INDEX listing_rating ON listing (rating);
        CREATE INDEX listing_price ON listing (price_public);
        INSERT INTO fts (fts) VALUES ('optimize');
        ANALYZE;
    """)
    return con


def fts_match(q: BenchQuery) -> str | None:
    """The MATCH expression: the hand-written one, or every non-filler word (all filler: all words)."""
    if q.fts_text:
        return q.fts_text
    words = re.findall(r"[\w']+", q.request.text.lower())
    if not words:
        return None
    meaningful = [w for w in words if w not in FILLER_WORDS] or words
    return " AND ".join(f'"{w}"' for w in meaningful)


def fts_sql(q: BenchQuery, council_slugs: list[str]) -> tuple[str, str, list, list]:
    """(page SQL, count SQL, page params, count params) for one query."""
    r = q.request
    price = price_field(r.council_slug) if r.council_slug in council_slugs else "price_public"
    where, params = [], []
    match = fts_match(q)
    if match:
        where.append("fts MATCH ?")
        params.append(match)
    if r.council_slug:
        where.append("l.id IN (SELECT listing_id FROM facet WHERE field = 'councils' AND value = ?)")
        params.append(r.council_slug)
    if r.area:
        where.append("l.id IN (SELECT listing_id FROM facet WHERE (field = 'areas' AND value = ?)"
                     " OR (field = 'delivery' AND value = 'online'))")
        params.append(r.area)
    for column, values in (("category", r.categories), ("kind", r.kinds)):
        if values:
            where.append(f"l.{column} IN ({', '.join('?' * len(values))})")
            params += values
    for fieldname, values in (("outcome", r.outcomes), ("delivery", r.delivery), ("access", r.accessibility),
                              ("langs", r.languages), ("days", r.days)):
        if values:
            where.append(f"l.id IN (SELECT listing_id FROM facet WHERE field = '{fieldname}'"
                         f" AND value IN ({', '.join('?' * len(values))}))")
            params += values
    if r.free_only:
        where.append("l.free = 1")
    if r.price_min_pence is not None:
        where.append(f"l.{price} >= ?")
        params.append(r.price_min_pence)
    if r.price_max_pence is not None:
        where.append(f"l.{price} <= ?")
        params.append(r.price_max_pence)
    source = "fts JOIN listing l ON l.id = fts.rowid" if match else "listing l"
    sort = r.sort if r.sort in ("relevance", "price", "rating", "newest") else "relevance"
    if sort == "relevance" and not match:
        sort = "newest"
    order = {"relevance": "bm25(fts, 3.0, 1.5, 2.0, 1.0), l.id", "price": f"l.{price}, l.id",
             "rating": "l.rating DESC, l.id", "newest": "l.published DESC, l.id"}[sort]
    score = "bm25(fts, 3.0, 1.5, 2.0, 1.0)" if match else "0"
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    page_size = max(1, min(r.page_size, 50))
    offset = (max(1, r.page) - 1) * page_size
    page_sql = f"SELECT l.id, {score}, l.{price} FROM {source}{clause} ORDER BY {order} LIMIT {page_size} OFFSET {offset}"
    count_sql = f"SELECT COUNT(*) FROM {source}{clause}"
    return page_sql, count_sql, params, params


def run_fts(con: sqlite3.Connection, queries: list[BenchQuery], council_slugs: list[str], repeat: int):
    prepared = [fts_sql(q, council_slugs) for q in queries]

    def one(page_sql, count_sql, page_params, count_params):
        rows = con.execute(page_sql, page_params).fetchall()
        total = con.execute(count_sql, count_params).fetchone()[0]
        return rows, total

    first, totals = [], []
    for p in prepared:  # warm-up pass
        t = time.perf_counter()
        totals.append(one(*p)[1])
        first.append((time.perf_counter() - t) * 1000)
    per_query: list[list[float]] = [[] for _ in queries]
    for _ in range(repeat):
        for i, p in enumerate(prepared):
            t = time.perf_counter()
            one(*p)
            per_query[i].append((time.perf_counter() - t) * 1000)
    return first, [x for xs in per_query for x in xs], per_query, totals


# --- reporting -------------------------------------------------------------------

def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


@dataclass
class SizeResult:
    size: int
    whoosh_build: float = 0.0
    whoosh_cold: float = 0.0
    whoosh_first: list[float] = field(default_factory=list)
    whoosh: list[float] = field(default_factory=list)
    whoosh_nofacets: list[float] = field(default_factory=list)
    fts_build: float = 0.0
    fts: list[float] = field(default_factory=list)
    fts_first: list[float] = field(default_factory=list)
    zero_whoosh: int = 0
    zero_fts: int = 0
    totals_differ: int = 0
    load: str = ""


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths))), line]
    out += ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
    return "\n".join(out)


def ms(value: float) -> str:
    return f"{value:.1f}"


def bench_size(size: int, councils: dict[str, list[str]], repeat: int, verbose: bool, use_fts: bool) -> SizeResult:
    result = SizeResult(size)
    slugs = list(councils)
    t = time.perf_counter()
    docs = generate_catalogue(size, councils)
    generated = time.perf_counter() - t
    words = sum(len(d["title"].split()) + len(d["body"].split()) + len(d["tags"].split()) for d in docs)
    print(f"\n[{size:,} listings] generated in {generated:.1f} s ({words / size:.0f} words per listing)", flush=True)
    load_before = _load()
    tmp = tempfile.mkdtemp(prefix=f"bench-search-{size}-")
    try:
        index = CatalogueIndex(os.path.join(tmp, "whoosh"))
        gc.collect()
        t = time.perf_counter()
        index.rebuild(slugs, docs)
        result.whoosh_build = time.perf_counter() - t
        print(f"  Whoosh index built in {result.whoosh_build:.1f} s; querying ({len(QUERIES)} queries x {repeat})",
              flush=True)
        result.whoosh_cold, result.whoosh_first, result.whoosh, whoosh_per_query, whoosh_totals = run_whoosh(
            index, QUERIES, repeat)
        _, _, result.whoosh_nofacets, _, _ = run_whoosh(index, QUERIES, repeat, with_facets=False)
        result.zero_whoosh = sum(1 for n in whoosh_totals if n == 0)
        index.clear()

        fts_per_query, fts_totals = None, None
        if use_fts:
            gc.collect()
            t = time.perf_counter()
            con = build_fts(os.path.join(tmp, "fts.sqlite3"), docs, slugs)
            result.fts_build = time.perf_counter() - t
            print(f"  FTS5 index built in {result.fts_build:.1f} s; querying", flush=True)
            result.fts_first, result.fts, fts_per_query, fts_totals = run_fts(con, QUERIES, slugs, repeat)
            result.zero_fts = sum(1 for n in fts_totals if n == 0)
            result.totals_differ = sum(1 for a, b in zip(whoosh_totals, fts_totals) if a != b)
            con.close()
        if verbose:
            rows = []
            for i, q in enumerate(QUERIES):
                row = [q.name[:58], f"{whoosh_totals[i]:,}", ms(statistics.median(whoosh_per_query[i]))]
                if fts_per_query:
                    row += [f"{fts_totals[i]:,}", ms(statistics.median(fts_per_query[i]))]
                rows.append(row)
            headers = ["query", "Whoosh total", "Whoosh ms"] + (["FTS5 total", "FTS5 ms"] if fts_per_query else [])
            print(table(headers, rows))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result.load = f"{load_before} -> {_load()}"
    return result


def bench_postgres(size: int, councils: dict[str, list[str]], repeat: int, url: str) -> None:
    """The PostgreSQL backend (SEARCH_BACKEND=postgres) on the same documents and queries, in a scratch
    schema made by the real migration's DDL and dropped afterwards; facet counts uncached (every run
    computes them, as the first visitor's search does)."""
    import importlib.util

    from alembic.migration import MigrationContext
    from alembic.operations import Operations
    from flask import Flask
    from sqlalchemy import create_engine, text

    from catalogue.search.pg import PostgresIndex

    slugs = list(councils)
    docs = generate_catalogue(size, councils)
    print(f"\n[{size:,} listings] PostgreSQL backend", flush=True)
    schema = f"bench_search_{os.getpid()}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema},public"})
    try:
        spec = importlib.util.spec_from_file_location(
            "search_change_log", ROOT / "migrations" / "versions" / "b7c8d9e0f1a2_search_change_log.py")
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE search_outbox (id serial PRIMARY KEY, listing_id int, "
                              "organisation_id int, noted_at timestamp NOT NULL)"))
            with Operations.context(MigrationContext.configure(conn)):
                migration.upgrade()
        app = Flask("bench")
        app.config["CACHE_ENABLED"] = False
        with app.app_context():
            index = PostgresIndex(engine)
            load_before = _load()
            t = time.perf_counter()
            index.rebuild(slugs, iter(docs))
            with engine.begin() as conn:
                conn.execute(text("ANALYZE search_documents"))
            built = time.perf_counter() - t
            cold, first, timed, per_query, totals = run_whoosh(index, QUERIES, repeat)
        print(table(["listings", "build s", "p50", "p95", "mean", "max", "cold 1st", "1st-run p95", "no results",
                     "load avg"],
                    [[f"{size:,}", f"{built:.1f}", ms(percentile(timed, 50)), ms(percentile(timed, 95)),
                      ms(statistics.mean(timed)), ms(max(timed)), ms(cold), ms(percentile(first, 95)),
                      str(sum(1 for n in totals if n == 0)), f"{load_before} -> {_load()}"]]))
        slowest = sorted(range(len(QUERIES)), key=lambda i: -statistics.median(per_query[i]))[:5]
        print("slowest (median ms): " + "; ".join(f"{QUERIES[i].name} {statistics.median(per_query[i]):.0f}"
                                                  for i in slowest))
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _load() -> str:
    try:
        return "%.1f" % os.getloadavg()[0]
    except OSError:
        return "?"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES),
                        help="comma-separated catalogue sizes (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes over the query set (default: %(default)s)")
    parser.add_argument("--no-fts", action="store_true", help="skip the SQLite FTS5 reference")
    parser.add_argument("--verbose", action="store_true", help="print per-query totals and median latencies")
    parser.add_argument("--postgres", metavar="URL",
                        help="benchmark only the PostgreSQL backend, in a scratch schema of this database")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.postgres:
        for size in sizes:
            bench_postgres(size, load_councils(), args.repeat, args.postgres)
        return 0
    use_fts = not args.no_fts and fts5_available()

    import whoosh
    print("Catalogue search benchmark")
    print(f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'}),"
          f" {platform.machine()}, {platform.system()} {platform.release()}")
    print(f"python {platform.python_version()} ({platform.python_implementation()}), "
          f"Whoosh {whoosh.versionstring()}, SQLite {sqlite3.sqlite_version}"
          f" (FTS5 {'available' if use_fts else 'not used' if args.no_fts else 'NOT available'})")
    print(f"queries: {len(QUERIES)} fixed queries (facets on, as the search page), 1 warm-up pass + {args.repeat} timed"
          f" passes = {len(QUERIES) * args.repeat} samples per engine per size; seed {SEED}")
    councils = load_councils()
    print(f"councils: {', '.join(f'{s} ({len(d)} districts)' for s, d in councils.items())}")

    results = [bench_size(size, councils, args.repeat, args.verbose, use_fts) for size in sizes]

    print("\nBuild times (seconds)")
    print(table(["listings", "Whoosh build", "FTS5 build", "Whoosh/FTS5"],
                [[f"{r.size:,}", f"{r.whoosh_build:.2f}", f"{r.fts_build:.2f}" if use_fts else "-",
                  f"{r.whoosh_build / r.fts_build:.1f}x" if use_fts and r.fts_build else "-"] for r in results]))

    print("\nQuery latency, Whoosh (ms per query run)")
    rows = []
    for r in results:
        w50, w95, wmean = percentile(r.whoosh, 50), percentile(r.whoosh, 95), statistics.fmean(r.whoosh)
        n50, n95 = percentile(r.whoosh_nofacets, 50), percentile(r.whoosh_nofacets, 95)
        rows.append([f"{r.size:,}", ms(w50), ms(w95), ms(wmean), ms(max(r.whoosh)), ms(n50), ms(n95), ms(r.whoosh_cold),
                     ms(percentile(r.whoosh_first, 50)), ms(percentile(r.whoosh_first, 95)), r.load])
    print(table(["listings", "p50", "p95", "mean", "max", "no-facets p50", "no-facets p95", "cold 1st",
                 "1st-run p50", "1st-run p95", "load avg"], rows))
    print("p50/p95/mean/max: timed passes of catalogue.search.search(with_facets=True), as the search page calls it."
          " no-facets: with_facets=False (the page's 'nearby areas' counts)."
          " cold 1st: the first query on a fresh searcher (opens the index, builds the per-index-version caches)."
          " 1st-run: each query's first run, in the warm-up pass (terms not yet seen by the caches);"
          " not in p50/p95. load avg: 1-minute load before -> after this size (other work on the machine skews timings).")
    if use_fts:
        print("\nWhoosh against SQLite FTS5 (ms per query run)")
        rows = []
        for r in results:
            w50, w95 = percentile(r.whoosh, 50), percentile(r.whoosh, 95)
            f50, f95, fmean = percentile(r.fts, 50), percentile(r.fts, 95), statistics.fmean(r.fts)
            n50, n95 = percentile(r.whoosh_nofacets, 50), percentile(r.whoosh_nofacets, 95)
            wf95, ff95 = percentile(r.whoosh_first, 95), percentile(r.fts_first, 95)
            rows.append([f"{r.size:,}", ms(w50), ms(w95), ms(f50), ms(f95), ms(fmean), f"{w50 / f50:.1f}x",
                         f"{w95 / f95:.1f}x", f"{n50 / f50:.1f}x", f"{n95 / f95:.1f}x", ms(wf95), ms(ff95),
                         f"{wf95 / ff95:.1f}x"])
        print(table(["listings", "Whoosh p50", "Whoosh p95", "FTS5 p50", "FTS5 p95", "FTS5 mean", "ratio p50",
                     "ratio p95", "no-facets ratio p50", "no-facets ratio p95", "1st-run W p95", "1st-run FTS5 p95",
                     "1st-run ratio p95"], rows))
        print("ratio = Whoosh / FTS5. The search module caches per-term bitmasks and scores per index version, so"
              " repeated runs favour Whoosh; the 1st-run columns compare each query's first run on each engine.")
    if use_fts:
        print("FTS5 = SQLite FTS5 (porter stemming), MATCH + WHERE filters, ORDER BY bm25 or the sort column,"
              " LIMIT 20 + COUNT(*); it computes NO facet counts, so compare it with Whoosh no-facets as well.")
        approximated = [q for q in QUERIES if q.fts_text]
        print(f"FTS5 has no typo correction or synonyms: {len(approximated)} of {len(QUERIES)} queries use the nearest"
              " plain query written by hand instead:")
        for text, fts, note in dict.fromkeys((q.request.text, q.fts_text, q.note) for q in approximated):
            print(f"  {text!r:<31} -> {fts}  ({note})")
        print("Other FTS5 text queries drop the filler words Whoosh treats as optional.")
    print(f"Queries with no results: Whoosh {', '.join(str(r.zero_whoosh) for r in results)}"
          + (f"; FTS5 {', '.join(str(r.zero_fts) for r in results)}" if use_fts else "")
          + f" (per size, of {len(QUERIES)})")
    if use_fts:
        print(f"Queries whose totals differ between the engines: {', '.join(str(r.totals_differ) for r in results)}"
              " (per size; stemmers differ, e.g. Whoosh stems 'shopping' to 'shopp', and typo/synonym queries are"
              " approximations; --verbose lists totals per query)")

    print("\nTargets (Whoosh p95)")
    met_all = True
    target_rows = []
    for r in results:
        if r.size in TARGETS_P95_MS:
            p95 = percentile(r.whoosh, 95)
            met = p95 <= TARGETS_P95_MS[r.size]
            met_all &= met
            target_rows.append([f"{r.size:,}", ms(p95), ms(TARGETS_P95_MS[r.size]), "met" if met else "MISSED"])
    if target_rows:
        print(table(["listings", "p95 ms", "target ms", "result"], target_rows))
    else:
        print("(no targeted size run; targets are for 10,000 and 50,000 listings)")
    return 0 if met_all else 1


if __name__ == "__main__":
    sys.exit(main())
