"""The estimator's pages: public, two optional steps POSTed without being kept, a result that says it
is an estimate and lists its assumptions, and a message (never a server error) for bad input."""
from __future__ import annotations

import pytest

from marketplace.accounts import roles as R

from .. import factories
from ..helpers import Browser, page_text

ANSWERS = {"personal_care": "2", "eating": "1", "community": "2", "safe_well": "1", "money_home": "1", "family": "3"}
MONEY = {"age_band": "25-pension", "income": "250", "savings": "18,000", "dre": ""}
RESULT = "/estimate/result?council=coldwater"


@pytest.fixture
def councils(make):
    return {slug: factories.council(slug) for slug in ("aldermoor", "coldwater")}


def _send(browser, data, url=RESULT):
    return browser.submit(url, data, form_url="/estimate/daily-life?council=coldwater")


def test_anyone_chooses_a_council_and_opens_each_step(councils, client):
    assert "Coldwater Council" in page_text(client.get("/estimate"))
    start = client.get("/estimate?council=coldwater")
    assert start.status_code == 200 and "We do not keep what you type" in page_text(start)
    daily = client.get("/estimate/daily-life?council=coldwater")
    assert daily.status_code == 200 and "Looking after yourself" in page_text(daily)
    assert daily.headers["Cache-Control"] == "no-store"
    money = client.get("/estimate/money?council=coldwater")
    assert money.status_code == 200 and "How old are you?" in page_text(money)


def test_a_signed_in_holder_starts_in_their_own_council(councils, app):
    person = factories.user(R.HOLDER, councils["aldermoor"])
    browser = Browser(app.test_client())
    browser.sign_in(person.email)
    assert "Aldermoor Council" in page_text(browser.get("/estimate"))
    assert "Start" in page_text(browser.get("/estimate"))


def test_the_first_step_carries_its_answers_to_the_second(councils, browser):
    page = _send(browser, ANSWERS, url="/estimate/money?council=coldwater")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "About your money" in page_text(page)
    assert 'type="hidden" name="family" value="3"' in html


def test_the_result_says_estimate_and_shows_figures_and_assumptions(councils, browser):
    """Coldwater, the worked example with £250 a week: £250 + £15 - £112.50 - £20 = £132.50 -> about £133."""
    page = _send(browser, {**ANSWERS, **MONEY})
    text = page_text(page)
    assert page.status_code == 200
    assert "This is an estimate, not a decision" in text
    assert "£245 and £332 a week" in text and "£12,750 to £17,250 a year" in text
    assert "You would pay about £133 a week towards your support; the council pays the rest." in text
    assert "Minimum Income Guarantee" in text and "no more than 75% of the cost of your support plan" in text
    assert "Coldwater Council contributions policy" in text and "Published 1 April 2025" in text
    assert 'href="/ask"' in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert "250" not in page.headers.get("Set-Cookie", "") and "18,000" not in page.headers.get("Set-Cookie", "")


def test_only_the_budget_or_only_the_contribution(councils, browser):
    budget_only = page_text(_send(browser, ANSWERS))
    assert "£245 and £332 a week" in budget_only and "What you might pay" not in budget_only
    money_only = page_text(_send(browser, {"savings": "30000"}))
    assert "you would pay the full cost of your support" in money_only and "Your budget" not in money_only


@pytest.mark.parametrize("data, message", [
    ({"income": "lots", "age_band": "25-pension"}, "Enter an amount in pounds"),
    ({"income": "250", "savings": "99999999999"}, "Your savings must be £10,000,000 or less"),
    ({"income": "200000", "age_band": "18-24"}, "Your weekly income must be £100,000 or less"),
    ({"income": "250"}, "Choose your age group"),
    ({"personal_care": "2"}, "Choose an answer about eating and drinking"),
    ({**ANSWERS, "family": "9" * 5000}, "Choose one of the answers about help from family"),
    ({}, "Answer the questions about your daily life or about your money"),
])
def test_bad_or_missing_input_is_a_message_not_an_error(councils, browser, data, message):
    page = _send(browser, data)
    assert page.status_code == 200
    assert message in page_text(page)


def test_an_unknown_council_is_not_found(councils, client):
    assert client.get("/estimate?council=nowhere").status_code == 404
    assert client.get("/estimate/daily-life?council=nowhere").status_code == 404


def test_the_help_page_on_contributions_links_to_the_estimator(councils, client):
    assert 'href="/estimate?council=coldwater"' in client.get("/help/contributions?council=coldwater").get_data(as_text=True)
