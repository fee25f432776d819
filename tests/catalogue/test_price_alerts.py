"""When a provider raises a price a council has agreed, the council hears about it; every change is kept."""
from __future__ import annotations

import pytest

from catalogue import listings
from marketplace import mail
from marketplace.extensions import db
from marketplace.pricing import service as pricing
from marketplace.pricing.models import PriceAlert, PriceChange

from ..helpers import page_text
from .support import listing_form


@pytest.fixture
def market(make):
    """Gardening help (public £18) from a provider approved in Aldermoor and Birchley; Aldermoor agreed £15.
    Aldermoor's commissioner, finance officer, administrator and a care coordinator; Birchley's commissioner."""
    aldermoor, birchley = make.council("aldermoor"), make.council("birchley")
    organisation = make.organisation(name="Greenfingers Co-op", approved_in=[aldermoor, birchley])
    provider = make.user("provider_admin", organisation=organisation)
    staff = make.council_staff(aldermoor, "commissioner", "finance_officer", "administrator", "care_coordinator")
    staff["birchley_commissioner"] = make.council_staff(birchley, "commissioner")["commissioner"]
    listing = listings.create(provider, organisation, title="Gardening help", summary="Mowing and weeding.",
                              category="gardening", price_pence=1800, delivery_modes=["home"], areas=["SK4", "BL1"])
    listings.change_status(provider, listing, "published")
    pricing.set_council_price(staff["commissioner"], listing, aldermoor, 1500, "Framework rate")
    return {"aldermoor": aldermoor, "birchley": birchley, "provider": provider, "listing": listing, **staff}


def _edit_price(browser, market, pounds: str):
    listing = market["listing"]
    url = f"/provider/listings/{listing.id}/edit"
    response = browser.submit(url, listing_form(title="Gardening help", summary="Mowing and weeding.", price=pounds,
                                                areas="SK4, BL1"))
    assert response.status_code == 302, page_text(response)[:600]
    db.session.expire_all()


def _alerts():
    return db.session.scalars(db.select(PriceAlert).order_by(PriceAlert.id)).all()


def test_raising_an_agreed_price_alerts_that_council(market, browser):
    browser.sign_in(market["provider"].email)

    _edit_price(browser, market, "20.00")

    (alert,) = _alerts()
    assert (alert.council_id, alert.listing_id, alert.agreed_pence, alert.old_public_pence, alert.new_public_pence) == (
        market["aldermoor"].id, market["listing"].id, 1500, 1800, 2000)
    assert alert.acknowledged_at is None


def test_price_rise_alert_emails_the_councils_commissioners_finance_and_administrators_only(market, browser):
    browser.sign_in(market["provider"].email)
    mail.outbox().clear()

    _edit_price(browser, market, "20.00")

    sent = mail.outbox()
    assert sorted(m.to for m in sent) == ["administrator@aldermoor.example.com", "commissioner@aldermoor.example.com",
                                          "finance_officer@aldermoor.example.com"]
    message = sent[0]
    assert message.subject == "Price rise: Gardening help"
    assert "Greenfingers Co-op has raised the public price of 'Gardening help' from £18.00 to £20.00 an hour." in message.body
    assert "Your council's agreed rate is £15.00." in message.body


def test_price_rise_alerts_every_council_with_an_agreed_rate(market):
    pricing.set_council_price(market["birchley_commissioner"], market["listing"], market["birchley"], 1600)

    listings.update(market["provider"], market["listing"], price_pence=2000)

    assert {(a.council_id, a.agreed_pence) for a in _alerts()} == {(market["aldermoor"].id, 1500),
                                                                  (market["birchley"].id, 1600)}
    assert "commissioner@birchley.example.com" in {m.to for m in mail.outbox()}


def test_price_cut_raises_no_alert_and_sends_no_email(market, browser):
    browser.sign_in(market["provider"].email)
    mail.outbox().clear()

    _edit_price(browser, market, "17.00")

    assert _alerts() == []
    assert mail.outbox() == []


def test_price_rise_without_an_agreed_rate_raises_no_alert(market):
    pricing.end_council_price(market["commissioner"], market["listing"], market["aldermoor"])

    listings.update(market["provider"], market["listing"], price_pence=2000)

    assert _alerts() == []


def test_price_history_keeps_every_change_of_public_price_and_agreed_rate(market):
    listing = market["listing"]
    listings.update(market["provider"], listing, price_pence=2000)
    listings.update(market["provider"], listing, price_pence=1900)
    pricing.set_council_price(market["commissioner"], listing, market["aldermoor"], 1550)
    listings.update(market["provider"], listing, title="Gardening help and hedges")  # no price change, no row

    history = [(c.council_id, c.old_pence, c.new_pence) for c in pricing.price_history(listing)]

    aldermoor = market["aldermoor"].id
    assert history == [(aldermoor, 1500, 1550), (None, 2000, 1900), (None, 1800, 2000), (aldermoor, None, 1500),
                       (None, None, 1800)]
    assert db.session.scalar(db.select(db.func.count(PriceChange.id))) == 5


def test_provider_sees_the_price_history_in_the_portal(market, browser):
    listings.update(market["provider"], market["listing"], price_pence=2000)
    browser.sign_in(market["provider"].email)

    text = page_text(browser.get(f"/provider/listings/{market['listing'].id}/prices"))

    assert "Public price £18.00 £20.00" in text
    assert "Aldermoor Council agreed rate – £15.00" in text
    assert "Public price – £18.00" in text


def test_council_sees_open_price_rises_on_its_prices_page(market, browser):
    listings.update(market["provider"], market["listing"], price_pence=2000)
    browser.sign_in(market["finance_officer"].email)

    text = page_text(browser.get("/council/prices"))

    assert "Price rises to review (1)" in text
    assert "Gardening help" in text and "£18.00 to £20.00" in text


@pytest.mark.parametrize("role", ["commissioner", "finance_officer", "administrator"])
def test_council_staff_acknowledge_a_price_alert(market, browser, role):
    listings.update(market["provider"], market["listing"], price_pence=2000)
    (alert,) = _alerts()
    browser.sign_in(market[role].email)

    response = browser.submit(f"/council/price-alerts/{alert.id}/acknowledge", form_url="/council/prices",
                              follow_redirects=True)

    text = page_text(response)
    assert "Alert marked as dealt with." in text
    assert "Price rises to review" not in text
    db.session.expire_all()
    alert = db.session.get(PriceAlert, alert.id)
    assert alert.acknowledged_at is not None
    assert alert.acknowledged_by_id == market[role].id
    assert pricing.open_alerts(market["aldermoor"]) == []


@pytest.mark.parametrize("who", ["birchley_commissioner", "care_coordinator", "provider"])
def test_only_the_councils_pricing_staff_can_acknowledge_its_alert(market, browser, who):
    listings.update(market["provider"], market["listing"], price_pence=2000)
    (alert,) = _alerts()
    browser.sign_in(market[who].email)

    response = browser.submit(f"/council/price-alerts/{alert.id}/acknowledge", form_url="/")

    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(PriceAlert, alert.id).acknowledged_at is None


def test_acknowledging_needs_the_form_token(market, browser):
    listings.update(market["provider"], market["listing"], price_pence=2000)
    (alert,) = _alerts()
    browser.sign_in(market["commissioner"].email)

    response = browser.client.post(f"/council/price-alerts/{alert.id}/acknowledge")

    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(PriceAlert, alert.id).acknowledged_at is None


def test_a_commissioner_ends_an_agreed_rate_from_its_page(market, browser):
    listing = market["listing"]
    browser.sign_in(market["commissioner"].email)
    response = browser.submit(f"/council/prices/{listing.id}/end", form_url=f"/council/prices/{listing.id}")
    assert response.status_code == 302
    page = page_text(browser.get(response.headers["Location"]))
    assert "has ended: the public price applies" in page and "No agreed rate yet." in page
    assert [(c.old_pence, c.new_pence) for c in pricing.price_history(listing) if c.council_id][0] == (1500, None)
