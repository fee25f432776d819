"""Demand signals: a public page anyone can read, and a panel in the provider portal, both aggregates with
nothing about fewer than 5 searches or people; and the unmet demand report and its CSV, for the council's
commissioners only."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from catalogue.demand import record_search
from catalogue.search import SearchRequest
from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.reports import signals

from ..helpers import Browser, page_text

NOW = datetime(2026, 11, 16, 9, tzinfo=timezone.utc)
NAMES = ["Priya Patel", "Olu Adeyemi", "Gwen Hughes", "Marek Nowak", "Sue Bright", "Tom Rigby", "Ann Lee"]


@pytest.fixture
def frozen():
    with clock.frozen(NOW) as frozen:
        yield frozen


@pytest.fixture
def aldermoor(make, frozen):
    """Searches in October 2026: "yoga for beginners" found nothing 6 times in SK1, "bsl interpreter" 3 times
    in SK2. Five holders in SK2 (Priya Patel and four more) have approved plans foreseeing a gym, which
    nobody offers in SK2; two in SK1 foresee transport, which nobody offers either. A commissioner, and a
    provider approved in Aldermoor whose one listing is a gym in SK3."""
    council = make.council("aldermoor")
    frozen.moment = datetime(2026, 10, 5, 10, tzinfo=timezone.utc)
    for text, area, times in (("Yoga for beginners", "SK1", 6), ("BSL interpreter", "SK2", 3)):
        for _ in range(times):
            record_search(council, SearchRequest(text=text, area=area), 0, "public")
    frozen.moment = NOW
    coordinator = make.user(R.CARE_COORDINATOR, council)
    finance = make.user(R.FINANCE_OFFICER, council)
    holders = []
    for name, area, category in zip(NAMES, ["SK2"] * 5 + ["SK1"] * 2, ["gym"] * 5 + ["transport"] * 2):
        person, holder = make.holder_account(council, name=name, postcode_district=area)
        budget = make.budget(holder, starts_on=date(2026, 4, 1), set_up_by=finance)
        make.plan_for_ordering(holder, budget, [("Keeping fit", ["community"], 30000, [category])], by=coordinator,
                               through_service=False)
        holders.append(person)
    organisation, provider = make.provider(council, name="Bright Care")
    make.listing(organisation, title="Gym sessions", category="gym", areas=["SK3"])
    staff = make.council_staff(council, R.COMMISSIONER)
    return {"council": council, "holder": holders[0], "provider": provider, "organisation": organisation,
            "commissioner": staff[R.COMMISSIONER]}


def signed_in(app, user) -> Browser:
    browser = Browser(app.test_client())
    browser.sign_in(user.email)
    return browser


def test_the_signals_are_aggregates_of_five_or_more(aldermoor):
    found = signals.for_council(aldermoor["council"])
    assert found.place == "Aldermoor" and found.period == "December 2025 to November 2026"
    assert [(q["area"], q["query"], q["searches"]) for q in found.queries] == [("SK1", "yoga for beginners", 6)]
    assert [(g["area"], g["category"], g["holders"]) for g in found.gaps] == [("SK2", "Gym membership", 5)]
    assert signals.for_council(aldermoor["council"], "SK1").gaps == []
    assert signals.for_council(aldermoor["council"], "XX9").area is None  # not one of the council's: every area


def test_anyone_reads_the_public_page(aldermoor, client):
    response = client.get("/demand/aldermoor")
    assert response.status_code == 200
    text = page_text(response)
    assert "What people in Aldermoor are looking for" in text
    assert "yoga for beginners SK1 6" in text and "Gym membership SK2 5" in text
    assert "bsl interpreter" not in text.lower() and "Transport" not in text  # 3 searches, 2 people: left out
    assert "How to list with us" in text and 'href="/register"' in response.get_data(as_text=True)
    assert not any(name in text for name in NAMES)


def test_the_public_page_narrows_to_an_area_and_ignores_one_not_the_councils(aldermoor, client):
    in_sk1 = page_text(client.get("/demand/aldermoor?area=sk1"))
    assert "yoga for beginners SK1 6" in in_sk1 and "Gym membership" not in in_sk1
    unknown = client.get("/demand/aldermoor?area=<script>")
    assert unknown.status_code == 200
    assert "yoga for beginners SK1 6" in page_text(unknown) and "<script>" not in unknown.get_data(as_text=True).split("<main")[1]


def test_an_unknown_council_is_not_found(aldermoor, client):
    assert client.get("/demand/nowhere").status_code == 404


def test_the_provider_portal_shows_the_panel(aldermoor, app):
    text = page_text(signed_in(app, aldermoor["provider"]).get("/provider"))
    assert "What people in Aldermoor are looking for" in text
    assert "Gym membership in SK2: 5 people" in text and "“yoga for beginners” in SK1: 6 searches" in text
    assert not any(name in text for name in NAMES)


def test_a_commissioner_reads_the_report_and_its_csv(aldermoor, app):
    browser = signed_in(app, aldermoor["commissioner"])
    page = browser.get("/council/reports/demand")
    assert page.status_code == 200
    text = page_text(page)
    assert "Unmet demand" in text and "yoga for beginners" in text and "fewer than 5" in text
    assert "bsl interpreter" not in text.lower()
    csv = browser.get("/council/reports/demand.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    body = csv.get_data(as_text=True)
    assert "yoga for beginners,6" in body
    assert "SK2,fewer than 5,fewer than 5" in body  # 3 searches in SK2 found nothing
    assert "Transport,fewer than 5" in body and "All,7" in body  # the plans nobody local serves: 7 holders
    assert "bsl interpreter" not in body.lower()
    for name in NAMES:
        assert name not in text and name not in body


@pytest.mark.parametrize("who", ["holder", "provider"])
def test_a_holder_or_provider_is_refused_the_report(aldermoor, app, who):
    browser = signed_in(app, aldermoor[who])
    assert browser.get("/council/reports/demand").status_code == 403
    assert browser.get("/council/reports/demand.csv").status_code == 403
