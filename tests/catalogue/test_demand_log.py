"""Searches that find nothing: a helpful empty page, and the demand log commissioners read."""
from __future__ import annotations

from catalogue.models import SearchLog, UnmetNeed
from marketplace.extensions import db

from ..helpers import page_text


def _logged_searches():
    return db.session.scalars(db.select(SearchLog).order_by(SearchLog.id)).all()


def test_search_for_something_offered_only_elsewhere_lists_nearby_areas_with_counts(catalogue, sign_in_as, browser):
    sign_in_as("budget_holder", catalogue.aldermoor, postcode_district="SK4")

    response = browser.get("/catalogue?q=allotment")

    text = page_text(response)
    assert "0 results for “allotment” serving SK4" in text
    assert "We could not find that in SK4" in text
    assert "Nearby areas that have it SK2: 1 result" in text
    assert 'href="/catalogue?q=allotment&amp;area=SK2&amp;page=1"' in response.get_data(as_text=True)


def test_empty_results_page_suggests_free_community_groups_and_asks_what_you_need(catalogue, sign_in_as, browser):
    sign_in_as("budget_holder", catalogue.aldermoor, postcode_district="SK4")

    text = page_text(browser.get("/catalogue?q=unicycle+lessons"))

    assert "We could not find that in SK4" in text
    assert "Nearby areas that have it" not in text  # nobody offers it anywhere
    assert "Free community groups serving SK4 Heaton walking group" in text
    assert "A gentle weekly walk followed by a cuppa." in text
    assert "Tell us what you need" in text
    assert "We do not record who you are." in text


def test_tell_us_what_you_need_records_an_unmet_need_without_the_persons_identity(catalogue, sign_in_as, browser):
    sign_in_as("budget_holder", catalogue.aldermoor, postcode_district="SK4")

    response = browser.submit("/catalogue/tell-us", {"query": "Unicycle LESSONS!", "area": "SK4",
                                                     "description": "Someone to teach me to ride a unicycle."},
                              form_url="/catalogue?q=unicycle+lessons", follow_redirects=True)

    assert "Thank you. We have passed this on to the council's commissioning team, without your name." in page_text(response)
    need = db.session.scalars(db.select(UnmetNeed)).one()
    assert (need.council_id, need.area, need.query, need.description, need.searcher_role) == (
        catalogue.aldermoor.id, "SK4", "unicycle lessons", "Someone to teach me to ride a unicycle.", "budget_holder")
    assert not {c.name for c in UnmetNeed.__table__.columns} & {"user_id", "holder_id", "email", "ip_address", "session_id"}


def test_tell_us_without_a_description_records_nothing_and_asks_again(catalogue, browser):
    response = browser.submit("/catalogue/tell-us", {"query": "unicycle", "area": "SK4", "description": ""},
                              form_url="/catalogue?q=unicycle&council=aldermoor", follow_redirects=True)

    assert "Tell us what you were looking for, then press Send." in page_text(response)
    assert db.session.scalars(db.select(UnmetNeed)).all() == []


def test_search_with_no_results_is_counted_in_the_demand_log_with_place_query_filters_and_role(catalogue, sign_in_as, browser):
    sign_in_as("budget_holder", catalogue.aldermoor, postcode_district="SK4")

    browser.get("/catalogue?q=++Unicycle+LESSONS!&delivery=home&free=1")

    (row,) = _logged_searches()
    assert row.council_id == catalogue.aldermoor.id
    assert row.area == "SK4"
    assert row.query == "unicycle lessons"
    assert row.filters == {"delivery": ["home"], "free_only": True}
    assert row.result_count == 0
    assert row.searcher_role == "budget_holder"


def test_demand_log_never_records_who_searched():
    columns = {c.name for c in SearchLog.__table__.columns}

    assert columns == {"id", "council_id", "area", "query", "filters", "result_count", "searcher_role", "created_at"}


def test_successful_search_is_logged_with_its_result_count(catalogue, sign_in_as, browser):
    sign_in_as("budget_holder", catalogue.aldermoor, postcode_district="SK4")

    browser.get("/catalogue?q=gardning+help")

    (row,) = _logged_searches()
    assert (row.query, row.result_count, row.area) == ("gardning help", 2, "SK4")


def test_anonymous_search_is_logged_as_public_in_the_chosen_council(catalogue, client):
    client.get("/catalogue?q=unicycle&council=aldermoor&area=SK2")

    (row,) = _logged_searches()
    assert (row.council_id, row.area, row.query, row.result_count, row.searcher_role) == (
        catalogue.aldermoor.id, "SK2", "unicycle", 0, "public")


def test_opening_the_search_page_without_searching_is_not_logged(catalogue, client):
    response = client.get("/catalogue")

    assert response.status_code == 200
    assert _logged_searches() == []
