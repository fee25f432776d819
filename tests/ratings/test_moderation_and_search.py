"""Reports and moderation, and what ratings do to search: a hidden review stops counting at once (in the
listing's figures, its pages, the minimum-rating filter and the sort); restoring it counts it again; a
redaction leaves a visible note; and the rank puts many good reviews above one perfect one."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest

from catalogue.models import Listing, RatingSummary
from catalogue.rating import rating_rank
from marketplace.accounts import roles as R
from marketplace.errors import DomainError, NotAllowed
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.ratings import moderation, service
from marketplace.ratings.models import Review

from .. import factories
from ..catalogue.support import result_titles
from ..helpers import Browser, page_text


@pytest.fixture
def rated(market):
    """Jo's order, rated 5 with a third party's name in it; an administrator of Aldermoor."""
    ordered = market.order()
    review = service.rate(market.holder_user, ordered, market.listing.id, score=5,
                          text="Brilliant. Much better than Dave Smith who came before.")
    admin = factories.user(R.ADMINISTRATOR, market.council, name="Ada Admin")
    return market, review, admin


def search(client, **params) -> list[str]:
    return result_titles(client.get(f"/catalogue?{urlencode({'council': 'aldermoor', **params})}"))


def count_of(listing) -> int:
    db.session.expire_all()
    summary = db.session.get(RatingSummary, listing.id)
    return summary.count if summary else 0


def test_anyone_signed_in_reports_and_the_administrators_are_told(rated, app):
    market, review, admin = rated
    reader = factories.user(name="Rita Reader")
    browser = Browser(app.test_client())
    browser.sign_in(reader.email)
    assert browser.get(f"/reviews/{review.id}/report").status_code == 200
    done = browser.submit(f"/reviews/{review.id}/report", {"reason": "personal", "details": "Names a former worker."})
    assert done.status_code == 302
    again = browser.submit(f"/reviews/{review.id}/report", {"reason": "personal"})
    assert "reported this review already" in page_text(again)
    told = db.session.scalars(db.select(Notification).filter_by(user_id=admin.id).order_by(Notification.id)).all()
    assert [n.title for n in told] == ["A review was reported"]
    assert Browser(app.test_client()).get(f"/reviews/{review.id}/report").status_code == 302  # signed out: sign in first


def test_a_hidden_review_stops_counting_at_once_everywhere_and_restoring_counts_it_again(rated, app, client):
    market, review, admin = rated
    title = market.listing.title
    assert title in search(client, rating="4") and count_of(market.listing) == 1
    moderation.report(factories.user(), review, "personal")
    browser = Browser(app.test_client())
    browser.sign_in(admin.email)
    assert "1 open report" in page_text(browser.get("/council/reviews"))
    done = browser.submit(f"/council/reviews/{review.id}", {"action": "hide", "reason": "It names a former worker."})
    assert done.status_code == 302
    assert count_of(market.listing) == 0
    assert title not in search(client, rating="4")
    assert title in search(client)  # the listing itself is still there
    listing_page = page_text(client.get(f"/catalogue/listings/{market.listing.id}"))
    assert "No buyer has rated this support yet" in listing_page and "Dave Smith" not in listing_page
    assert "Dave Smith" not in page_text(client.get(f"/catalogue/listings/{market.listing.id}/reviews"))
    for person in (market.holder_user, market.provider_user):
        assert db.session.scalars(db.select(Notification).filter_by(user_id=person.id)
                                  .where(Notification.title.like("A review of%was hidden"))).all()
    db.session.expire_all()
    assert [r.outcome for r in db.session.get(Review, review.id).reports] == ["hidden"]
    moderation.restore(admin, db.session.get(Review, review.id), "The name has been taken out instead.")
    assert count_of(market.listing) == 1 and title in search(client, rating="4")


def test_only_an_administrator_of_the_reviews_council_moderates(rated, app):
    market, review, _admin = rated
    elsewhere = factories.user(R.ADMINISTRATOR, factories.council("birchley"))
    for person in (market.holder_user, market.provider_user, elsewhere):
        with pytest.raises(NotAllowed):
            moderation.hide(person, review, "No")
        browser = Browser(app.test_client())
        browser.sign_in(person.email)
        assert browser.get(f"/council/reviews/{review.id}").status_code == 403
    assert count_of(market.listing) == 1


def test_a_decision_needs_a_reason(rated):
    _market, review, admin = rated
    with pytest.raises(DomainError, match="Give a reason"):
        moderation.hide(admin, review, "  ")


def test_redacting_a_third_partys_name_leaves_a_note_after_a_check(rated, app, client):
    market, review, admin = rated
    browser = Browser(app.test_client())
    browser.sign_in(admin.email)
    check = browser.submit(f"/council/reviews/{review.id}/redact", {"phrase": "dave  smith"})
    assert "Check the redaction" in page_text(check) and "better than [removed] who came before" in page_text(check)
    db.session.expire_all()
    assert "Dave Smith" in db.session.get(Review, review.id).text  # nothing changed yet
    done = browser.submit(f"/council/reviews/{review.id}/redact", {"phrase": "dave  smith", "confirmed": "yes"})
    assert done.status_code == 302
    public = page_text(client.get(f"/catalogue/listings/{market.listing.id}/reviews"))
    assert "Much better than [removed] who came before." in public and "Dave Smith" not in public
    assert "An administrator removed personal information about someone else on 16 November 2026." in public
    missing = browser.submit(f"/council/reviews/{review.id}/redact", {"phrase": "Nobody Here"})
    assert "not in the review" in page_text(missing)


def test_the_rank_puts_200_reviews_averaging_4_8_above_one_5_star_review(make, client):
    """The fixture of issue 14: one 5-star review against 200 averaging 4.8 (160 fives, 40 fours)."""
    assert round(rating_rank(1, 5), 2) == 3.33 and round(rating_rank(200, 960), 2) == 4.76
    organisation = factories.organisation(approved_in=[factories.council("aldermoor")])
    one = factories.listing(organisation, title="One perfect review", scores=[5], commit=False)
    many = factories.listing(organisation, title="Two hundred good reviews", scores=[5] * 160 + [4] * 40, commit=False)
    factories.listing(organisation, title="Not rated yet", commit=False)
    db.session.commit()
    assert search(client, sort="rating") == [many.title, one.title, "Not rated yet"]
    assert set(search(client, rating="4")) == {many.title, one.title}  # averages 4.8 and 5: both at least 4


def test_recount_rebuilds_a_summary_from_the_reviews(rated, app):
    market, _review, _admin = rated
    summary = db.session.get(RatingSummary, market.listing.id)
    summary.count, summary.total = 99, 1
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["ratings", "recount"])
    assert result.exit_code == 0 and "Recounted the ratings of 1 listings." in result.output
    assert (count_of(market.listing), db.session.get(Listing, market.listing.id).rating.total) == (1, 5)
