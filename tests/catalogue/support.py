"""The fixed catalogue the search tests run against, and readers for catalogue pages.

``build_catalogue()`` makes the same small market every time (one commit, so one index
write): two councils, a handful of providers and people, and the listings below. Each
test states what it expects from it by name, so a change here shows up as a clear diff.
"""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from types import SimpleNamespace

from catalogue.models import CommunityEvent, PersonProfile
from marketplace import clock
from marketplace.councils.service import reference_council_rules, upsert_councils
from marketplace.extensions import db
from marketplace.providers.models import Organisation, OrganisationApproval

from .. import factories
from ..helpers import page_text

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def build_catalogue() -> SimpleNamespace:
    """The fixed fixture. Aldermoor covers SK1-SK7, Birchley BL1-BL4. Call inside an app context."""
    now = clock.now()
    aldermoor, birchley = upsert_councils([r for r in reference_council_rules() if r["slug"] in ("aldermoor", "birchley")])

    def org(name, kind="provider", approved=(aldermoor,), pending=()):
        made = Organisation(name=name, kind=kind, email=f"{name.split()[0].lower()}@example.com")
        made.approvals = ([OrganisationApproval(council_id=c.id, status="approved") for c in approved]
                          + [OrganisationApproval(council_id=c.id, status="pending") for c in pending])
        db.session.add(made)
        return made

    greenfingers = org("Greenfingers Co-op")
    jos = org("Jo's Gardening", kind="micro_provider")
    amira = org("Amira Hussain", kind="personal_assistant")
    ben = org("Ben Carter", kind="personal_assistant")
    fit = org("FitTogether")
    tidy = org("Tidy Homes")
    talk = org("Talk It Through", approved=(aldermoor, birchley))
    wheels = org("Easy Wheels")
    birch = org("Birchley Growers", approved=(birchley,))
    newco = org("Newco Gardens", approved=(), pending=(aldermoor,))

    def listing(organisation, title, *, days_old, **fields):
        return factories.listing(organisation, title=title, published_at=now - timedelta(days=days_old), commit=False,
                                 **fields)

    made = dict(
        gardening_help=listing(
            greenfingers, "Gardening help", days_old=10, category="gardening",
            summary="Mowing, weeding and pruning in your garden.", price_pence=1800, areas=["SK4", "SK5"],
            delivery_modes=["home"], days=["mon", "tue"], outcomes=["home_safety"], scores=[5, 5, 4, 4, 4, 5]),
        garden_maintenance=listing(
            jos, "Garden maintenance", days_old=9, category="gardening",
            summary="Lawns, borders and hedges kept tidy all year.", price_pence=1700, areas=["SK4"],
            delivery_modes=["home"], days=["fri"], outcomes=["home_safety"]),
        allotment=listing(
            greenfingers, "Allotment gardening sessions", days_old=20, category="gardening",
            summary="Grow vegetables with others at a supported allotment.", price_pence=800, price_unit="session",
            areas=["SK2"], delivery_modes=["venue"], days=["sat"], accessibility_features=["step_free"],
            outcomes=["community", "nutrition"], scores=[4, 4, 4]),
        pa_amira=listing(
            amira, "Personal assistant: Amira, cooking and driving", days_old=5, kind="person",
            category="personal-assistant", summary="Amira can help with cooking, driving and shopping.",
            price_pence=1450, areas=["SK4"], delivery_modes=["home"], languages=["en", "ur"],
            days=["mon", "wed", "fri"], outcomes=["nutrition", "community"], scores=[5, 5],
            person=PersonProfile(display_name="Amira H.", skills=["cooking", "driving"])),
        pa_ben=listing(
            ben, "Personal assistant: Ben, swimming and sport", days_old=30, kind="person",
            category="personal-assistant", summary="Ben goes with you to the pool and the match.",
            price_pence=1350, areas=["SK1"], delivery_modes=["home", "venue"], languages=["en"],
            days=["tue", "thu"], outcomes=["relationships"],
            person=PersonProfile(display_name="Ben C.", skills=["sport"])),
        fitness=listing(
            fit, "Fitness classes for beginners", days_old=2, category="sports",
            summary="Gentle exercise classes at your own pace.", price_pence=600, price_unit="session",
            areas=["SK4"], delivery_modes=["venue"], accessibility_features=["step_free", "hearing_loop"],
            days=["tue", "thu"], outcomes=["community"], scores=[4, 4, 3, 3]),
        swim=listing(
            fit, "Swim sessions for adults", days_old=40, category="sports",
            summary="Quiet pool sessions with a patient coach.", price_pence=700, price_unit="session",
            areas=["SK3"], delivery_modes=["venue"], days=["wed"], outcomes=["community"]),
        domestic=listing(
            tidy, "Domestic help at home", days_old=15, category="other",
            summary="Hoovering, dusting and washing up, done for you.", price_pence=1600, areas=["SK4", "SK6"],
            delivery_modes=["home"], days=WEEKDAYS, scores=[4]),
        counselling=listing(
            talk, "Online counselling", days_old=7, category="wellness",
            summary="Talk to a qualified counsellor by video call.", price_pence=4000, price_unit="session",
            areas=[], delivery_modes=["online"], languages=["en", "pl"], accessibility_features=["easy_read"],
            days=["mon", "thu"], outcomes=["relationships"]),
        taxi=listing(
            wheels, "Accessible taxi service", days_old=25, category="transport",
            summary="Wheelchair-accessible taxis with trained drivers.", price_pence=1200, price_unit="item",
            areas=["SK4"], delivery_modes=["home"], outcomes=[]),
        walking=listing(
            None, "Heaton walking group", days_old=12, council=aldermoor, category="community-activities",
            summary="A gentle weekly walk followed by a cuppa.", price_pence=None, price_unit="session",
            areas=["SK4"], delivery_modes=["venue"], days=["wed"], outcomes=["community", "relationships"],
            how_to_join="Meet at the park gates at 10am."),
        # Not visible in Aldermoor: another council's provider, a provider still pending, a draft.
        birchley_gardening=listing(
            birch, "Garden tidy-ups", days_old=8, category="gardening", summary="Tidy gardens in Birchley.",
            price_pence=1700, areas=["BL1"], delivery_modes=["home"]),
        pending_gardening=listing(
            newco, "Garden clearance", days_old=3, category="gardening", summary="Clear an overgrown garden.",
            price_pence=1500, areas=["SK4"], delivery_modes=["home"]),
        draft_gardening=listing(
            greenfingers, "Hedge cutting", days_old=1, category="gardening", summary="Hedges cut.", status="draft",
            price_pence=1500, areas=["SK4"], delivery_modes=["home"]),
    )
    # Aldermoor has agreed a lower rate for one gardening listing (public £18, agreed £15).
    factories.agreed_price(made["gardening_help"], aldermoor, 1500, note="Framework rate", commit=False)
    db.session.commit()
    return SimpleNamespace(aldermoor=aldermoor, birchley=birchley, greenfingers=greenfingers, newco=newco, **made)


# Listings anyone searching in Aldermoor may see (published, provider approved there).
ALDERMOOR_VISIBLE = {"gardening_help", "garden_maintenance", "allotment", "pa_amira", "pa_ben", "fitness", "swim",
                     "domestic", "counselling", "taxi", "walking"}


def add_weekly_event(listing, starts_on, **fields):
    event = CommunityEvent(listing=listing, starts_on=starts_on, repeats=fields.pop("repeats", "weekly"), **fields)
    db.session.add(event)
    db.session.commit()
    return event


# --- reading pages ----------------------------------------------------------------

_RESULT = re.compile(r'<li class="sm-result">(.*?)</li>', re.S)
_RESULT_LINK = re.compile(r'href="/catalogue/listings/(\d+)">([^<]*)</a>')
_FACET = re.compile(r'for="f-([a-z]+)-([\w-]+)">([^<]*)<span class="govuk-body-s">\((\d+)\)</span>')


def result_titles(response) -> list[str]:
    """The titles of the results on a search page, in order."""
    html = response.get_data(as_text=True)
    return [unescape(_RESULT_LINK.search(block).group(2)) for block in _RESULT.findall(html)]


def result_ids(response) -> list[int]:
    html = response.get_data(as_text=True)
    return [int(_RESULT_LINK.search(block).group(1)) for block in _RESULT.findall(html)]


def results_by_title(response) -> dict[str, str]:
    """Each result's visible text, by title."""
    html = response.get_data(as_text=True)
    found = {}
    for block in _RESULT.findall(html):
        title = unescape(_RESULT_LINK.search(block).group(2))
        found[title] = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", block))).strip()
    return found


def facet_counts(response, param: str) -> dict[str, int]:
    """The counts shown beside one filter's checkboxes: value -> count."""
    html = response.get_data(as_text=True)
    return {value: int(count) for p, value, _label, count in _FACET.findall(html) if p == param}


def result_count(response) -> int:
    match = re.search(r'id="result-count">\s*(\d+) result', response.get_data(as_text=True))
    assert match, page_text(response)[:500]
    return int(match.group(1))


def titles_of(catalogue, *names) -> set[str]:
    return {getattr(catalogue, name).title for name in names}


def listing_form(**overrides) -> dict:
    """What a provider fills in on the portal's listing form (override any field)."""
    data = {
        "title": "Bramble clearing", "summary": "Overgrown gardens cleared and tidied.", "description": "",
        "category": "gardening", "price": "18.00", "price_unit": "hour", "vat_rate_percent": "0",
        "notice_hours": "24", "cancellation_charge_percent": "100", "delivery_modes": ["home"], "areas": "SK4, SK5",
        "times": "", "venue_address": "", "how_to_join": "", "contact": "",
    }
    data.update(overrides)
    return data
