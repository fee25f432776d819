"""The unmet demand report against answers worked out by hand on a small Aldermoor, made through the
services: searches and "tell us what you need" requests; plan outcomes nobody local offers; orders
accepted, declined and rated. Each table is checked twice: the figures as built, and as shown once the
privacy rules hide small cells (and, beside a total, the next smallest: the differencing case)."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta, timezone

import pytest

from catalogue.demand import record_search, record_unmet_need
from catalogue.search import SearchRequest
from marketplace import clock
from marketplace.orders import basket, delivery, lifecycle, placing
from marketplace.plans import service as plans
from marketplace.ratings import moderation
from marketplace.ratings import service as ratings
from marketplace.reports import demand
from marketplace.reports.filters import Filters
from marketplace.reports.privacy import FEWER
from marketplace.reports.registry import REPORTS

START = datetime(2026, 9, 1, 8, tzinfo=timezone.utc)
ORDERED = datetime(2026, 10, 12, 9, tzinfo=timezone.utc)


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=timezone.utc)


@pytest.fixture
def frozen():
    with clock.frozen(START) as frozen:
        yield frozen


def period(council, **narrower) -> Filters:
    return Filters(council, date(2026, 9, 1), date(2026, 11, 30), **narrower)


def built(filters: Filters) -> dict:
    """The tables as built, before the privacy rules."""
    return {t.key: t for t in REPORTS["demand"].build(filters)}


def protected(filters: Filters) -> dict:
    return {t.key: t for t in REPORTS["demand"].tables(filters)}


def figures(table, *keys) -> list[tuple]:
    rows = [tuple(row[k] for k in keys) for row in table.rows]
    return rows + ([tuple(table.total[k] for k in keys)] if table.total else [])


def shown(table) -> list[tuple]:
    rows = [tuple(table.shown(row, c) for c in table.columns) for row in table.rows]
    return rows + ([tuple(table.shown(table.total, c) for c in table.columns)] if table.total else [])


# --- searches and requests ------------------------------------------------------------------

def searched(council, frozen, when, text, results, *, area=None, categories=(), times=1):
    frozen.moment = when
    for _ in range(times):
        record_search(council, SearchRequest(text=text, area=area, categories=list(categories)), results, "public")


@pytest.fixture
def searches(make, frozen):
    """In the period (September to November 2026): 5 searches for gardening help in SK1 found 2 results each
    (September); "Yoga for Beginners!" found nothing 6 times in SK1 and "BSL interpreter" 3 times in SK2,
    "swimming" once from outside the council's areas (October); a search of the gym category with no words
    found nothing once, with no area (November). Not counted: two searches with 10 results, one before the
    period, one in another council."""
    aldermoor, birchley = make.council("aldermoor"), make.council("birchley")
    searched(aldermoor, frozen, at(8, 20), "yoga for beginners", 0, area="SK1")
    searched(aldermoor, frozen, at(9, 10), "gardening help", 2, area="SK1", categories=["gardening"], times=5)
    searched(aldermoor, frozen, at(10, 5), "Yoga for Beginners!", 0, area="SK1", times=6)
    searched(aldermoor, frozen, at(10, 6), "BSL interpreter", 0, area="SK2", times=3)
    searched(aldermoor, frozen, at(10, 6), "swimming", 0, area="M1")
    searched(aldermoor, frozen, at(10, 7), "support worker", 10, area="SK3", times=2)
    searched(birchley, frozen, at(10, 7), "yoga for beginners", 0, area="BL1")
    searched(aldermoor, frozen, at(11, 2), "", 0, categories=["gym"])
    for when, area, times in ((at(9, 3), "SK2", 5), (at(10, 3), "SK1", 6), (at(11, 3), None, 2)):
        frozen.moment = when
        for _ in range(times):
            record_unmet_need(aldermoor, area, "bsl", "I am Jo Bloggs and I need a BSL interpreter", "public")
    record_unmet_need(birchley, "BL1", None, "Somewhere else", "public")
    return aldermoor


def test_searches_that_found_nothing_or_little(searches):
    tables, raw = protected(period(searches)), built(period(searches))
    assert figures(raw["searches_by_area"], "label", "none", "few") == [
        ("SK1", 6, 5), ("SK2", 3, 0), ("No area given", 1, 0), ("Outside the council's areas", 1, 0), ("All", 11, 5)]
    assert shown(tables["searches_by_area"]) == [
        ("SK1", "6", "5"), ("SK2", FEWER, FEWER), ("No area given", FEWER, FEWER),
        ("Outside the council's areas", FEWER, FEWER), ("All", "11", "5")]
    # Gym membership (1 search) is hidden; beside the total, so is the next smallest (Gardening, 5): the differencing case.
    assert figures(raw["searches_by_category"], "label", "none", "few") == [
        ("No category chosen", 10, 0), ("Gym membership", 1, 0), ("Gardening", 0, 5), ("All", 11, 5)]
    assert shown(tables["searches_by_category"]) == [
        ("No category chosen", "10", "0"), ("Gym membership", FEWER, FEWER), ("Gardening", FEWER, FEWER), ("All", "11", "5")]
    assert shown(tables["searches_by_month"]) == [
        ("September 2026", FEWER, FEWER), ("October 2026", "10", "0"), ("November 2026", FEWER, FEWER), ("All", "11", "5")]
    # Only words searched 5 or more times: never the 3 searches for a BSL interpreter.
    assert shown(tables["unfound_queries"]) == [("yoga for beginners", "6")]


def test_the_filters_narrow_the_searches(searches):
    gardening = protected(period(searches, category="gardening"))
    assert shown(gardening["searches_by_area"]) == [("SK1", "0", "5"), ("All", "0", "5")]
    assert shown(gardening["searches_by_category"]) == [("Gardening", "0", "5"), ("All", "0", "5")]
    in_sk2 = protected(period(searches, area="SK2"))
    assert shown(in_sk2["searches_by_area"]) == [("SK2", FEWER, FEWER), ("All", FEWER, FEWER)]  # a total of 3 hides it all
    assert shown(in_sk2["unfound_queries"]) == []


def test_tell_us_what_you_need_requests_are_counted_never_quoted(searches):
    tables = protected(period(searches))
    assert figures(built(period(searches))["requests_by_area"], "label", "requests") == [
        ("SK1", 6), ("SK2", 5), ("No area given", 2), ("All", 13)]
    assert shown(tables["requests_by_area"]) == [("SK1", "6"), ("SK2", FEWER), ("No area given", FEWER), ("All", "13")]
    assert shown(tables["requests_by_month"]) == [
        ("September 2026", FEWER), ("October 2026", "6"), ("November 2026", FEWER), ("All", "13")]
    assert not any("Bloggs" in str(value) for t in tables.values() for row in t.rows for value in row.values())


# --- plans, orders and ratings ---------------------------------------------------------------

def planned(make, council, area, categories, *, approved=True, starts_on=date(2026, 4, 1), finance=None, coordinator=None):
    """A holder in ``area`` whose plan foresees ``categories``, funded with £500; (user, holder, plan)."""
    person = make.user()
    holder = make.holder(council, user=person, postcode_district=area, named_contact_id=coordinator.id)
    budget = make.budget(holder, starts_on=starts_on, set_up_by=finance)
    outcome = ("Getting out and about", ["community"], 50000, list(categories))
    if approved:
        return person, holder, make.plan_for_ordering(holder, budget, [outcome], by=coordinator, through_service=False)
    plan = plans.new_version(coordinator, holder, budget)
    plans.add_outcome(coordinator, plan, own_words=outcome[0], codes=outcome[1], amount_pence=outcome[2], categories=outcome[3])
    plans.update_plan(coordinator, plan, crisis_plan="Call my sister.")
    return person, holder, plans.submit(coordinator, plan)


@pytest.fixture
def market(make, frozen):
    """Listings people in Aldermoor can find: support in social activities in SK1 and SK2 (Bright Care), a gym
    in SK3 (Bright Care), the arts online (Small Steps, a micro-provider), the council's own days out in SK2. Not
    counted: transport in SK1 and SK2 by an organisation still pending, a draft gym listing in SK1 and SK2,
    personal care in SK2 by an organisation approved only in Birchley, Birchley's own transport in SK2.

    Approved plans: six holders in SK2 foresee a gym, social activities, personal care and the arts; two in
    SK1 a gym, transport and the arts; one in SK2 days out and transport; one in SK3 a gym. Not counted: a
    holder with no district, a plan still waiting for a decision, a plan whose budget ended in March 2026."""
    aldermoor, birchley = make.council("aldermoor"), make.council("birchley")
    coordinator = make.user("care_coordinator", aldermoor)
    finance = make.user("finance_officer", aldermoor)
    bright, bright_user = make.provider(aldermoor, name="Bright Care")
    steps, steps_user = make.provider(aldermoor, name="Small Steps", kind="micro_provider")
    pending = make.organisation(name="Slow Wheels", pending_in=[aldermoor])
    elsewhere = make.organisation(name="Birchley Care", approved_in=[birchley])
    social = make.orderable(bright, title="Days out with a support worker", price_pence=2000, category="social-support",
                            areas=["SK1", "SK2"])
    make.listing(bright, title="Gym sessions", category="gym", areas=["SK3"])
    arts = make.orderable(steps, title="Painting online", price_pence=1000, category="arts", areas=[],
                          delivery_modes=["online"])
    make.listing(None, council=aldermoor, title="Council days out", category="days-out", areas=["SK2"], price_pence=None)
    make.listing(pending, title="Door to door", category="transport", areas=["SK1", "SK2"])
    make.listing(bright, title="Gym coming soon", category="gym", status="draft", areas=["SK1", "SK2"])
    make.listing(elsewhere, title="Personal care", category="personal-care", areas=["SK2"])
    make.listing(None, council=birchley, title="Birchley community bus", category="transport", areas=["SK2"], price_pence=None)

    people = dict(finance=finance, coordinator=coordinator)
    buyers = [planned(make, aldermoor, "SK2", ["gym", "social-support", "personal-care", "arts"], **people) for _ in range(6)]
    for _ in range(2):
        planned(make, aldermoor, "SK1", ["gym", "transport", "arts"], **people)
    planned(make, aldermoor, "SK2", ["days-out", "transport"], **people)
    planned(make, aldermoor, "SK3", ["gym"], **people)
    planned(make, aldermoor, None, ["gym"], **people)
    planned(make, aldermoor, "SK2", ["gym"], approved=False, **people)
    planned(make, aldermoor, "SK2", ["gym"], starts_on=date(2025, 4, 1), **people)
    return aldermoor, buyers, (social, bright_user), (arts, steps_user), make.user("administrator", aldermoor)


def test_support_in_approved_plans_that_nobody_local_offers(market):
    council = market[0]
    raw, tables = built(period(council)), protected(period(council))
    assert figures(raw["gaps_by_category"], "label", "holders") == [
        ("Gym membership", 8), ("Personal care", 6), ("Transport", 3), ("All", 9)]
    # Transport (3) is hidden, and so is the next smallest (Personal care, 6), or 9 less the rest would give it away.
    assert shown(tables["gaps_by_category"]) == [("Gym membership", "8"), ("Personal care", FEWER), ("Transport", FEWER),
                                                 ("All", "9")]
    assert figures(raw["gaps_by_area"], "label", "holders") == [("SK2", 7), ("SK1", 2), ("All", 9)]
    assert shown(tables["gaps_by_area"]) == [("SK2", FEWER), ("SK1", FEWER), ("All", "9")]
    assert demand.gaps_by_area_and_category(demand.unsupplied(period(council))) == [
        {"area": "SK2", "category": "Gym membership", "holders": 6, "people": 6},
        {"area": "SK2", "category": "Personal care", "holders": 6, "people": 6}]
    assert shown(protected(period(council, area="SK1"))["gaps_by_category"]) == [
        ("Gym membership", FEWER), ("Transport", FEWER), ("All", FEWER)]


def order(frozen, buyer, holder, plan, listing):
    frozen.moment = ORDERED
    basket.add_to_basket(buyer, holder, listing, 1, plan.outcomes[0].key)
    (made,) = placing.place(buyer, holder, secrets.token_hex(16))
    return made


def test_declined_orders_time_to_accept_and_poor_ratings(market, frozen):
    """Social activities accepted after 1, 2, 3, 4, 5 and 10 days (one a holder), the arts after 12 and 36 hours;
    five social orders and one arts order declined; ratings of 2, 1, 2, 2, 1 for social activities, 2 and 4 for the
    arts, and a 1 that an administrator hid."""
    council, buyers, (social, bright), (arts, steps), admin = market
    accepting = [(buyers[i], social, bright, timedelta(days=d)) for i, d in enumerate((1, 2, 3, 4, 5, 10))]
    accepting += [(buyers[0], arts, steps, timedelta(hours=12)), (buyers[1], arts, steps, timedelta(hours=36))]
    placed = [(order(frozen, person, holder, plan, listing), provider, wait) for (person, holder, plan), listing, provider, wait in accepting]
    declining = [(buyers[i], social, bright) for i in range(5)] + [(buyers[5], arts, steps)]
    refused = [(order(frozen, person, holder, plan, listing), provider) for (person, holder, plan), listing, provider in declining]
    for made, provider, wait in sorted(placed, key=lambda p: p[2]):
        frozen.moment = ORDERED + wait
        lifecycle.accept(provider, made)
    frozen.moment = ORDERED + timedelta(days=11)
    for (made, provider), kind in zip(refused, ["capacity"] * 4 + ["area", "needs"]):
        lifecycle.decline(provider, made, "Sorry, we are full", kind)
    scores = [2, 1, 2, 2, 1, 1, 2, 4]
    for (made, provider, _wait), score, (person, _holder, _plan) in zip(placed, scores, buyers + buyers[:2]):
        for occurrence in made.lines[0].occurrences:
            delivery.record_delivery(provider, occurrence)
            delivery.confirm(person, occurrence)
        review = ratings.rate(person, made, made.lines[0].listing_id, score=score)
        if made is placed[5][0]:
            moderation.hide(admin, review, "It names a member of staff")

    raw, tables = built(period(council)), protected(period(council))
    assert figures(raw["acceptance"], "label", "orders", "median", "p90", "holders") == [
        ("Support in social activities", 6, 3.5, 7.5, 6), ("The arts", 2, 1.0, 1.4, 2), ("All", 8, 2.5, 6.5, 6)]
    assert shown(tables["acceptance"]) == [("Support in social activities", FEWER, FEWER, FEWER),
                                           ("The arts", FEWER, FEWER, FEWER), ("All", "8", "2.50", "6.50")]
    assert figures(raw["declined_by_category"], "label", "orders", "holders") == [
        ("Support in social activities", 5, 5), ("The arts", 1, 1), ("All", 6, 6)]
    assert shown(tables["declined_by_category"]) == [("Support in social activities", FEWER, FEWER), ("The arts", FEWER, FEWER),
                                                     ("All", "6", "6")]
    assert figures(raw["declined_by_reason"], "label", "orders", "holders") == [
        ("We have nobody free to do it (capacity)", 4, 4), ("We cannot meet the person's needs (needs)", 1, 1),
        ("We do not cover where the person lives (area)", 1, 1), ("All", 6, 6)]
    assert figures(raw["declined_by_kind"], "label", "orders") == [
        ("Provider organisation", 5), ("Micro-provider (1 to 5 people)", 1), ("All", 6)]
    assert figures(raw["low_ratings"], "label", "low", "holders", "share") == [
        ("Support in social activities", 5, 5, 100.0), ("The arts", 1, 1, 50.0), ("All", 6, 5, pytest.approx(600 / 7))]
    assert shown(tables["low_ratings"]) == [("Support in social activities", FEWER, FEWER, FEWER), ("The arts", FEWER, FEWER, FEWER),
                                            ("All", "6", "5", "85.7%")]
    only_arts = built(period(council, category="arts"))
    assert figures(only_arts["acceptance"], "label", "orders", "median") == [("The arts", 2, 1.0), ("All", 2, 1.0)]
    assert "Sorry, we are full" not in str([t.rows for t in tables.values()])
