"""Only real buyers rate: the holder or their representative, once per order and listing, after a
confirmed delivery, changeable by its author for 30 days; one invitation after delivery; personal data
screened out; the provider answers once. Through the service and through hand-made requests."""
from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.accounts import roles as R
from marketplace.errors import DomainError, NotAllowed
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.ratings import service
from marketplace.ratings.models import RatingInvitation, Review

from .. import factories
from ..helpers import Browser, page_text


def reviews() -> list[Review]:
    db.session.expire_all()
    return db.session.scalars(db.select(Review)).all()


def summary(listing):
    db.session.expire_all()
    rating = db.session.get(type(listing), listing.id).rating
    return (rating.count, rating.total, rating.distribution) if rating else (0, 0, [0] * 5)


def signed_in(app, user) -> Browser:
    browser = Browser(app.test_client())
    browser.sign_in(user.email)
    return browser


def rate_url(order, listing) -> str:
    return f"/orders/{order.id}/rate/{listing.id}"


# --- who may rate ----------------------------------------------------------------------

def test_a_holder_without_a_confirmed_delivery_cannot_rate_even_by_a_hand_made_post(market, app):
    ordered = market.order(confirm=False)  # delivered by the provider, not confirmed by the holder
    assert service.why_not(market.holder_user, ordered, market.listing.id) == "You can rate this once a delivery has been confirmed."
    with pytest.raises(DomainError):
        service.rate(market.holder_user, ordered, market.listing.id, score=5)
    browser = signed_in(app, market.holder_user)
    page = browser.get(rate_url(ordered, market.listing))
    assert page.status_code == 200 and "once a delivery has been confirmed" in page_text(page)
    assert "Publish my rating" not in page_text(page)
    posted = browser.submit(rate_url(ordered, market.listing), {"score": "5", "text": "Lovely"})
    assert posted.status_code == 200 and reviews() == []
    assert summary(market.listing) == (0, 0, [0] * 5)


def test_an_order_not_yet_delivered_cannot_be_rated(market):
    accepted = factories.accepted_order(market.buyer, market.holder, market.listing, market.outcome.key, market.provider_user)
    with pytest.raises(DomainError, match="once a delivery has been confirmed"):
        service.rate(market.holder_user, accepted, market.listing.id, score=4)


def test_people_who_did_not_buy_it_cannot_rate(market, app):
    ordered = market.order()
    broker = factories.user(R.BROKER, market.council)
    factories.delegation(market.holder, broker, ["view", "order"], kind="broker")
    stranger = factories.user()
    for person in (broker, stranger, market.provider_user):
        with pytest.raises(NotAllowed):
            service.rate(person, ordered, market.listing.id, score=5)
        browser = signed_in(app, person)
        assert browser.get(rate_url(ordered, market.listing)).status_code == 403
        assert browser.submit(rate_url(ordered, market.listing), {"score": "1"}, form_url="/").status_code == 403
    assert reviews() == []


def test_a_listing_not_in_the_order_is_not_found(market, app):
    ordered = market.order()
    other = factories.orderable(market.organisation, title="Something else", price_pence=100, category="other")
    assert signed_in(app, market.holder_user).get(rate_url(ordered, other)).status_code == 404


# --- rating ----------------------------------------------------------------------------

def test_the_holder_rates_on_the_page_and_the_listing_counts_it(market, app):
    ordered = market.order()
    browser = signed_in(app, market.holder_user)
    order_page = page_text(browser.get(f"/orders/{ordered.id}"))
    assert "Rate it" in order_page
    done = browser.submit(rate_url(ordered, market.listing),
                          {"score": "4", "aspects": ["reliable", "respect"], "text": "Turned up on time, every time."})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/orders/{ordered.id}")
    (review,) = reviews()
    assert (review.score, review.aspects, review.author_kind, review.status) == (4, ["reliable", "respect"], "holder", "published")
    assert summary(market.listing) == (1, 4, [0, 0, 0, 1, 0])
    listing_page = page_text(browser.get(f"/catalogue/listings/{market.listing.id}"))
    assert "4.0 out of 5 from 1 buyer" in listing_page and "Turned up on time, every time." in listing_page
    assert "By a budget holder in Aldermoor" in listing_page and market.holder_user.name not in listing_page
    provider_told = db.session.scalars(db.select(Notification).filter_by(user_id=market.provider_user.id).order_by(Notification.id)).all()
    assert any("rated “Support worker for days out” 4 out of 5" in n.title for n in provider_told)


def test_one_order_gives_one_rating_which_its_author_may_change_for_30_days(market, app, frozen_clock):
    ordered = market.order()
    service.rate(market.holder_user, ordered, market.listing.id, score=2, text="Late twice.")
    service.rate(market.holder_user, ordered, market.listing.id, score=4, text="Better now.")
    (review,) = reviews()
    assert (review.score, review.text, review.changed_at is not None) == (4, "Better now.", True)
    assert summary(market.listing) == (1, 4, [0, 0, 0, 1, 0])
    representative = factories.user(name="Pat Rep")
    factories.delegation(market.holder, representative, ["view", "order"], kind="representative")
    with pytest.raises(DomainError, match="rated for this order already"):
        service.rate(representative, ordered, market.listing.id, score=1)
    frozen_clock.advance(days=31)
    with pytest.raises(DomainError, match="changed for 30 days"):
        service.rate(market.holder_user, ordered, market.listing.id, score=5)
    assert len(reviews()) == 1 and summary(market.listing)[0] == 1
    second = market.order()  # another order of the same listing: its own rating
    service.rate(market.holder_user, second, market.listing.id, score=5)
    assert summary(market.listing) == (2, 9, [0, 0, 0, 1, 1])


def test_a_representative_with_the_right_to_order_rates_and_is_shown_as_one(market):
    representative = factories.user(name="Pat Rep")
    factories.delegation(market.holder, representative, ["view", "order"], kind="representative")
    ordered = market.order()
    review = service.rate(representative, ordered, market.listing.id, score=5)
    assert review.author_kind == "representative"
    assert review.reviewer == "the representative of a budget holder in Aldermoor"


def test_a_score_outside_1_to_5_and_unknown_aspects_are_refused_on_the_page_and_dropped_by_the_service(market, app):
    ordered = market.order()
    with pytest.raises(DomainError, match="from 1"):
        service.rate(market.holder_user, ordered, market.listing.id, score=6)
    browser = signed_in(app, market.holder_user)
    bad = browser.submit(rate_url(ordered, market.listing), {"score": "99"})
    assert bad.status_code == 200 and reviews() == []
    tampered = browser.submit(rate_url(ordered, market.listing), {"score": "3", "aspects": ["reliable", "<script>"]})
    assert tampered.status_code == 200 and reviews() == [] and "value=\"<script>\"" not in tampered.get_data(as_text=True)
    browser.submit(rate_url(ordered, market.listing), {"score": "3", "aspects": ["reliable", "value"]})
    assert [r.aspects for r in reviews()] == [["reliable", "value"]]
    assert service.rate(market.holder_user, ordered, market.listing.id, score=3, aspects=["value", "nonsense"]).aspects == ["value"]


@pytest.mark.parametrize("text, found", [
    ("Call her on 07700 900123, she is great", "phone number (07700 900123)"),
    ("Ring +44 161 496 0000 to book", "phone number"),
    ("Email jo.bloggs@example.com", "email address (jo.bloggs@example.com)"),
])
def test_personal_data_is_caught_before_publishing_and_what_was_written_is_kept(market, app, text, found):
    ordered = market.order()
    browser = signed_in(app, market.holder_user)
    page = browser.submit(rate_url(ordered, market.listing), {"score": "5", "text": text})
    assert page.status_code == 200 and found in page_text(page)
    assert text in page.get_data(as_text=True)  # in the text box, to edit
    assert reviews() == []


def test_prices_dates_and_counts_are_not_mistaken_for_phone_numbers(market):
    ordered = market.order()
    service.rate(market.holder_user, ordered, market.listing.id, score=5,
                 text="£40.00 a session since 12/03/2026, 3 sessions a week, 10 hours in all.")
    assert len(reviews()) == 1


# --- the one invitation --------------------------------------------------------------

def test_one_invitation_after_the_first_confirmed_delivery_and_no_more(market):
    ordered = market.order(quantity=2)
    invitations = db.session.scalars(db.select(RatingInvitation)).all()
    assert [(i.order_id, i.listing_id) for i in invitations] == [(ordered.id, market.listing.id)]
    asked = db.session.scalars(db.select(Notification).filter_by(user_id=market.holder_user.id)
                               .where(Notification.title.like("How was%"))).all()
    assert len(asked) == 1 and asked[0].link == rate_url(ordered, market.listing)
    assert "the only reminder" in asked[0].body


def test_no_invitation_before_confirmation(market):
    market.order(confirm=False)
    assert db.session.scalars(db.select(RatingInvitation)).all() == []


# --- the provider's answer -------------------------------------------------------------

def test_the_provider_answers_once_publicly_and_the_reviewer_is_told(market, app):
    ordered = market.order()
    review = service.rate(market.holder_user, ordered, market.listing.id, score=2, text="Late twice.")
    browser = signed_in(app, market.provider_user)
    reviews_page = page_text(browser.get(f"/catalogue/listings/{market.listing.id}/reviews"))
    assert "Answer this review" in reviews_page
    done = browser.submit(f"/reviews/{review.id}/answer", {"text": "Sorry: our driver was ill. It is fixed now."})
    assert done.status_code == 302
    again = browser.submit(f"/reviews/{review.id}/answer", {"text": "And another thing"})
    assert "And another thing" not in page_text(browser.get(f"/catalogue/listings/{market.listing.id}/reviews"))
    assert again.status_code == 200
    db.session.expire_all()
    with pytest.raises(DomainError, match="answered already"):
        service.answer(market.provider_user, db.session.get(Review, review.id), "Again")
    public = page_text(Browser(app.test_client()).get(f"/catalogue/listings/{market.listing.id}/reviews"))
    assert "Sorry: our driver was ill. It is fixed now." in public and "answered" in public
    told = db.session.scalars(db.select(Notification).filter_by(user_id=market.holder_user.id)
                              .where(Notification.title.like("%answered your review"))).all()
    assert len(told) == 1


def test_only_the_provider_answers(market, app):
    ordered = market.order()
    review = service.rate(market.holder_user, ordered, market.listing.id, score=2)
    other_org, other_user = factories.provider(market.council, name="Other Care")
    for person in (market.holder_user, other_user):
        assert signed_in(app, person).get(f"/reviews/{review.id}/answer").status_code == 403
        with pytest.raises(NotAllowed):
            service.answer(person, review, "Not mine to answer")


def test_the_change_window_is_thirty_days_to_the_minute(market, frozen_clock):
    ordered = market.order()
    service.rate(market.holder_user, ordered, market.listing.id, score=3)
    frozen_clock.advance(days=30)
    assert service.why_not(market.holder_user, ordered, market.listing.id) is None
    frozen_clock.moment += timedelta(minutes=1)
    assert "30 days" in service.why_not(market.holder_user, ordered, market.listing.id)
