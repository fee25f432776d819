"""The demo's year of searches and "tell us what you need" requests, so the unmet-demand report and the
providers' demand signal have something true to show.

Each of the last twelve months, 100 searches in the demo council by its holders and brokers, from its
districts, for what people asked for in the evaluations (gardening, a PA, swimming, the cinema...) and
some things the demo catalogue does not offer (a Polish-speaking PA, a BSL interpreter, pottery; dog
walking and horse riding find only near misses). Every search is run against the real index, so its
result count is the catalogue's answer, and recorded through the demand log as a person's search
would be. Seeded, so the same each time; runs once (if the council has searches logged already, it
does nothing).
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from catalogue.demand import record_search, record_unmet_need
from catalogue.indexing import current_index
from catalogue.models import SearchLog
from catalogue.results import checked_search
from catalogue.search import SearchRequest

from . import clock
from .accounts import roles as R
from .extensions import db

PER_MONTH = 100
WANTED = [  # (what people type, how often, out of 100)
    ("gardening", 12), ("personal assistant", 10), ("swimming", 9), ("cinema", 8), ("cleaner", 8), ("art class", 6),
    ("gym", 6), ("taxi", 5), ("cooking", 4), ("befriending", 4),
    ("dog walking", 7), ("horse riding", 5), ("polish speaking pa", 6), ("bsl interpreter", 4), ("allotment", 3),
    ("pottery", 3),
]
NEEDS = [
    ("dog walking", "Someone to walk my dog on the days I cannot get out, so I can keep her."),
    ("polish speaking pa", "A personal assistant who speaks Polish, for my mum, two mornings a week."),
    ("horse riding", "Riding lessons: it was the one thing that helped before."),
]


def search_a_year(council, echo=print) -> int:
    """Run and record the demo's year of searches in ``council``; returns how many."""
    if db.session.scalar(db.select(db.func.count(SearchLog.id)).filter_by(council_id=council.id)):
        return 0
    rng = random.Random(2026)
    index = current_index()
    districts = council.postcode_districts or [None]
    words = [w for w, n in WANTED for _ in range(n)]
    month = clock.today().replace(day=1)
    done = 0
    for back in range(12, 0, -1):
        first = month
        for _ in range(back):
            first = (first - timedelta(days=1)).replace(day=1)
        for n in range(PER_MONTH):
            at = datetime(first.year, first.month, 1 + n % 27, 9 + n % 9, tzinfo=timezone.utc)
            with clock.frozen(at):
                request = SearchRequest(text=rng.choice(words), council_slug=council.slug, area=rng.choice(districts))
                results, _listings = checked_search(index, request, with_facets=False)
                record_search(council, request, results.total, R.HOLDER if n % 3 else R.BROKER)
            done += 1
    for n, (query, need) in enumerate(NEEDS * 4):
        with clock.frozen(datetime(month.year, month.month, 1, 9, tzinfo=timezone.utc) - timedelta(days=9 * n + 3)):
            record_unmet_need(council, districts[n % len(districts)], query, need, R.HOLDER)
    echo(f"Ran {done:,} demo searches over the last twelve months, and recorded {len(NEEDS) * 4} requests for support "
         "nobody offers.")
    return done
