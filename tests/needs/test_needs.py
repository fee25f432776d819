"""Posting a need: post, reply, choose, order link, met; anonymity; who sees and replies; screening;
expiry; reports and hiding; bad input never a server error; the unmet-needs count."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.errors import DomainError, NotAllowed
from marketplace.extensions import db
from marketplace.needs import service
from marketplace.needs.models import Need
from marketplace.notifications.models import Notification

from .. import factories
from ..billing.support import build_market
from ..helpers import Browser, page_text

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)
POST = dict(title="A PA, 6 hours a week", purpose="Help getting out to the shops", times="Tuesday mornings",
            district="SK4", category="other")


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW) as frozen:
        yield frozen


@pytest.fixture
def market(make):
    m = build_market()
    m.pa = factories.user(R.PERSONAL_ASSISTANT, organisation=m.organisation, name="Pat Assistant")
    return m


def signed_in(app, user) -> Browser:
    browser = Browser(app.test_client())
    browser.sign_in(user.email)
    return browser


def test_post_reply_choose_order_link_and_met_as_the_service(market):
    need = service.post(market.holder_user, market.holder, **POST)
    answer = service.reply(market.pa, need, "I can help on Tuesdays.")
    with pytest.raises(DomainError):
        service.reply(market.provider_user, need, "Us too.")  # one reply an organisation
    service.choose(market.holder_user, need, answer)
    assert answer.chosen_at is not None
    told = db.session.scalars(db.select(Notification).filter_by(user_id=market.pa.id).order_by(Notification.id)).all()
    assert [n.title for n in told] == ["Your reply to “A PA, 6 hours a week” was chosen"]
    assert market.listing in service.listings_to_order(answer)
    service.close(market.holder_user, need, "met")
    assert need.status == "met"
    with pytest.raises(NotAllowed):
        service.reply(market.pa, need, "Late reply.")


def test_the_journey_through_the_pages_never_shows_the_name(market, app):
    holder = signed_in(app, market.holder_user)
    done = holder.submit(f"/holders/{market.holder.id}/needs", {**POST, "district": "sk4 2ab"})
    assert done.status_code == 302
    need = db.session.scalar(db.select(Need))
    assert need.district == "SK4"
    pa = signed_in(app, market.pa)
    listed = page_text(pa.get("/needs?district=SK4"))
    assert "A PA, 6 hours a week" in listed and "Someone in SK4" in listed
    page = page_text(pa.get(f"/needs/{need.id}"))
    assert market.holder.name not in page and "2AB" not in page
    assert pa.submit(f"/needs/{need.id}", {"message": "I can help on Tuesdays."}).status_code == 302
    seen = holder.get(f"/needs/{need.id}")
    assert "I can help on Tuesdays." in page_text(seen) and market.organisation.name in page_text(seen)
    answer = need.replies[0]
    assert holder.submit(f"/needs/{need.id}/choose/{answer.id}", {}).status_code == 302
    chosen = holder.get(f"/needs/{need.id}").get_data(as_text=True)
    assert f"/orders/new?listing={market.listing.id}&amp;holder={market.holder.id}" in chosen
    assert holder.get(f"/orders/new?listing={market.listing.id}&holder={market.holder.id}").status_code == 200
    assert "Post what you are looking for" in page_text(holder.get(f"/holders/{market.holder.id}"))
    assert holder.submit(f"/needs/{need.id}/close", {"outcome": "met"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Need, need.id).status == "met"


def test_only_organisation_roles_of_approved_organisations_see_and_reply(market, app):
    need = service.post(market.holder_user, market.holder, **POST)
    pending = factories.organisation(pending_in=[market.council])
    outsider = factories.user(R.PERSONAL_ASSISTANT, organisation=pending)
    coordinator = factories.user(R.CARE_COORDINATOR, market.council)
    for person in (outsider, coordinator):
        browser = signed_in(app, person)
        assert browser.get("/needs").status_code == 403
        assert browser.get(f"/needs/{need.id}").status_code == 403
        with pytest.raises(NotAllowed):
            service.reply(person, need, "Hello")


def test_a_broker_posts_for_someone_they_act_for_a_stranger_cannot(market):
    broker = factories.user(R.BROKER, market.council)
    factories.delegation(market.holder, broker, ["view"], kind="broker")
    assert service.post(broker, market.holder, **POST).holder_id == market.holder.id
    with pytest.raises(NotAllowed):
        service.post(factories.user(R.BROKER, market.council), market.holder, **POST)


def test_contact_details_are_screened(market):
    with pytest.raises(DomainError, match="email"):
        service.post(market.holder_user, market.holder, **{**POST, "purpose": "Email me at jo@example.com"})
    need = service.post(market.holder_user, market.holder, **POST)
    with pytest.raises(DomainError, match="phone"):
        service.reply(market.pa, need, "Ring 07700 900123")


def test_posts_expire_after_30_days_once(market, frozen_clock):
    need = service.post(market.holder_user, market.holder, **POST)
    with clock.frozen(NOW + timedelta(days=29)):
        assert service.expire() == 0
    with clock.frozen(NOW + timedelta(days=31)):
        assert service.expire() == 1
        assert service.expire() == 0
    assert need.status == "expired"


def test_reporting_and_hiding_a_post_and_a_reply(market, app):
    need = service.post(market.holder_user, market.holder, **POST)
    answer = service.reply(market.pa, need, "I can help.")
    admin = factories.user(R.ADMINISTRATOR, market.council)
    service.report(market.pa, need, "offensive")
    service.report(market.holder_user, need, "spam", answer=answer)
    assert len(service.queue(market.council)) == 2
    told = db.session.scalars(db.select(Notification).filter_by(user_id=admin.id).order_by(Notification.id)).all()
    assert [n.title for n in told] == ["A posted need was reported", "A reply to a posted need was reported"]
    assert signed_in(app, admin).get("/council/needs").status_code == 200
    with pytest.raises(NotAllowed):
        service.moderate(market.pa, need, "hide", "No")
    service.moderate(admin, need, "hide", "Not a need", answer=answer)
    assert answer.status == "hidden"
    service.moderate(admin, need, "hide", "Advertising")
    assert need.status == "hidden" and service.open_needs(market.council) == []
    assert signed_in(app, market.pa).get(f"/needs/{need.id}").status_code == 200  # they replied: they still see it
    service.moderate(admin, need, "restore", "Checked")
    assert need.status == "open" and service.queue(market.council) == []


@pytest.mark.parametrize("change", [{"district": "ZZ9"}, {"district": "BL1"}, {"district": "not a postcode"},
                                    {"title": "x" * 500}, {"purpose": "y" * 5000}, {"category": "nonsense"}, {"title": ""}])
def test_bad_input_is_refused_plainly(market, app, change):
    with pytest.raises(DomainError):
        service.post(market.holder_user, market.holder, **{**POST, **change})
    response = signed_in(app, market.holder_user).submit(f"/holders/{market.holder.id}/needs", {**POST, **change})
    assert response.status_code == 200 and db.session.scalar(db.select(Need)) is None


def test_bad_addresses_never_give_a_server_error(market, app):
    pa = signed_in(app, market.pa)
    for url in ("/needs?district=%00&category=" + "z" * 900, "/needs/99999", "/needs/1/report?reply=abc", "/council/needs/1?reply=-1"):
        assert pa.get(url).status_code < 500


def test_unmet_needs_by_area_and_category(market):
    service.post(market.holder_user, market.holder, **POST)
    met = service.post(market.holder_user, market.holder, **{**POST, "district": "SK1"})
    service.choose(market.holder_user, met, service.reply(market.pa, met, "Yes"))
    with clock.frozen(NOW + timedelta(days=15)):
        assert service.unmet_by_area_and_category(market.council, date(2026, 11, 1), date(2026, 11, 30)) == [("SK4", "other", 1)]
    with clock.frozen(NOW + timedelta(days=31)):
        service.expire()
        assert service.unmet_by_area_and_category(market.council, date(2026, 11, 1), date(2026, 11, 30)) == [
            ("SK1", "other", 1), ("SK4", "other", 1)]


def test_the_provider_portal_leads_to_the_posted_needs(market, app):
    browser = signed_in(app, market.provider_user)
    portal = page_text(browser.get("/provider"))
    assert "Needs people have posted in Aldermoor Council" in portal
    assert browser.get("/needs").status_code == 200
