"""“Tell us what you need” always reaches a council: the searcher's, the one chosen, or the one whose
area they gave. When none can be known, nothing is saved and the person is asked to choose."""
from __future__ import annotations

from catalogue.models import UnmetNeed
from marketplace.extensions import db

from ..helpers import page_text

NEED = "Someone to teach me to ride a unicycle."


def needs() -> list[tuple]:
    db.session.expire_all()
    return [(n.council_id, n.area, n.description) for n in db.session.scalars(db.select(UnmetNeed).order_by(UnmetNeed.id))]


def tell(browser, data: dict, page: str = "/catalogue?q=unicycle+lessons", action: str = "/catalogue/tell-us"):
    return browser.submit(action, {"query": "unicycle lessons", "description": NEED, **data}, form_url=page,
                          follow_redirects=True)


def test_an_anonymous_visitor_who_chose_a_council_on_the_search_page_reaches_it(catalogue, browser):
    tell(browser, {"area": ""}, page="/catalogue?q=unicycle+lessons&council=birchley",
         action="/catalogue/tell-us?council=birchley")
    assert needs() == [(catalogue.birchley.id, None, NEED)]


def test_a_signed_in_persons_need_goes_to_their_council(catalogue, sign_in_as, browser):
    sign_in_as("budget_holder", catalogue.aldermoor, postcode_district="SK4")
    tell(browser, {"area": ""})
    assert needs() == [(catalogue.aldermoor.id, None, NEED)]


def test_a_visitor_with_no_council_chooses_one_on_the_form(catalogue, browser):
    page = page_text(browser.get("/catalogue?q=unicycle+lessons"))
    assert "Which council area do you need it in?" in page
    tell(browser, {"area": "", "council": "birchley"})
    assert needs() == [(catalogue.birchley.id, None, NEED)]


def test_a_visitor_who_gave_a_postcode_reaches_the_council_for_that_area(catalogue, browser):
    tell(browser, {"area": "SK4 1AA"})
    assert needs() == [(catalogue.aldermoor.id, "SK4", NEED)]


def test_with_no_council_to_be_known_nothing_is_saved_and_the_person_is_asked_to_choose(catalogue, browser):
    response = tell(browser, {"area": "", "council": ""})
    assert needs() == []
    assert "Choose the council area you need support in, so we can pass this on to the right council." in page_text(response)
    assert "Thank you" not in page_text(response)


def test_an_unknown_council_or_an_area_no_council_covers_is_refused_too(catalogue, browser):
    tell(browser, {"area": "ZZ9", "council": "atlantis" * 20})
    assert needs() == []
