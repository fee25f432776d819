"""Search results are checked against the database (issue 11, "search hits for listings paused
meanwhile"): the index can lag the database, so a hit for a listing that is no longer public is
not shown, and the one info line in the log names it.

Lag is made by changing the row with a Core UPDATE on a connection of its own: no ORM flush, so
nothing tells the index. Each test then shows the listing is still in the index, so it is the
search page's check that kept it out.
"""
from __future__ import annotations

import logging
import re
from html import unescape

import pytest
from sqlalchemy import update

from catalogue.indexing import current_index
from catalogue.models import Listing
from catalogue.search import SearchRequest, search
from marketplace.extensions import db
from marketplace.providers.models import OrganisationApproval

from ..catalogue.support import result_count, result_titles
from ..helpers import page_text


@pytest.fixture
def aldermoor(make):
    return make.council("aldermoor")


@pytest.fixture
def greenfingers(make, aldermoor):
    return make.organisation(name="Greenfingers Co-op", approved_in=(aldermoor,))


def behind_the_index(table, row_id: int, **values) -> None:
    """Change one row where the index cannot see it: a Core UPDATE, committed on its own connection."""
    with db.engine.begin() as connection:
        connection.execute(update(table).where(table.c.id == row_id).values(**values))


def still_indexed(listing_id: int, text: str) -> bool:
    """Whether the index still answers ``text`` with this listing (in any council)."""
    return listing_id in [hit.listing_id for hit in search(current_index(), SearchRequest(text=text)).hits]


def dropped_log_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "catalogue.results" and r.levelno == logging.INFO]


@pytest.mark.parametrize("status", ["paused", "archived"])
def test_a_listing_paused_or_archived_behind_the_index_is_not_shown(make, client, caplog, greenfingers, status):
    bramble = make.listing(greenfingers, title="Bramble clearing", category="gardening")
    hedges = make.listing(greenfingers, title="Bramble and hedge cutting", category="gardening")
    assert set(result_titles(client.get("/catalogue?q=bramble&council=aldermoor"))) == {bramble.title, hedges.title}

    behind_the_index(Listing.__table__, bramble.id, status=status)
    caplog.set_level(logging.INFO, logger="catalogue.results")
    page = client.get("/catalogue?q=bramble&council=aldermoor")

    assert result_titles(page) == [hedges.title]
    assert result_count(page) == 1  # the count leaves out what the page dropped
    assert still_indexed(bramble.id, "bramble")
    assert client.get(f"/catalogue/listings/{bramble.id}").status_code == 404  # where the hit would have led
    assert dropped_log_lines(caplog) == [f"Search hits not shown, no longer public in the database (the index lags): "
                                         f"listings [{bramble.id}]"]


def test_a_listing_whose_provider_lost_its_approval_behind_the_index_is_not_shown(make, client, greenfingers, aldermoor):
    bramble = make.listing(greenfingers, title="Bramble clearing", category="gardening")
    approval = next(a for a in greenfingers.approvals if a.council_id == aldermoor.id)

    behind_the_index(OrganisationApproval.__table__, approval.id, status="suspended")
    page = client.get("/catalogue?q=bramble&council=aldermoor")

    assert result_titles(page) == []
    assert "0 results" in page_text(page)
    assert still_indexed(bramble.id, "bramble")


def test_a_holder_signed_in_does_not_see_it_either(make, browser, greenfingers, aldermoor):
    person, _holder = make.holder_account(aldermoor, postcode_district="SK4")
    bramble = make.listing(greenfingers, title="Bramble clearing", category="gardening")
    make.agreed_price(bramble, aldermoor, 1500)
    browser.sign_in(person.email)

    behind_the_index(Listing.__table__, bramble.id, status="paused")

    assert result_titles(browser.get("/catalogue?q=bramble")) == []
    assert still_indexed(bramble.id, "bramble")


def test_a_community_group_paused_behind_the_index_is_not_offered_as_an_alternative(make, client, aldermoor, caplog):
    knitting = make.listing(None, council=aldermoor, title="Knit and natter", category="community-activities",
                            price_pence=None, areas=("SK4",))
    walking = make.listing(None, council=aldermoor, title="Heaton walking group", category="community-activities",
                           price_pence=None, areas=("SK4",))
    url = "/catalogue?q=trampoline&area=SK4&council=aldermoor"
    assert sorted(_alternatives(client.get(url))) == [walking.title, knitting.title]

    behind_the_index(Listing.__table__, knitting.id, status="paused")
    caplog.set_level(logging.INFO, logger="catalogue.results")

    assert _alternatives(client.get(url)) == [walking.title]
    assert still_indexed(knitting.id, "knit")
    assert any(str(knitting.id) in line for line in dropped_log_lines(caplog))


def _alternatives(response) -> list[str]:
    """The titles under "Free community groups serving SK4" on a search page that found nothing."""
    html = response.get_data(as_text=True)
    assert "Free community groups serving SK4" in html, page_text(response)[:600]
    section = html.split("Free community groups serving SK4", 1)[1].split("</ul>", 1)[0]
    return [unescape(title) for title in re.findall(r'href="/catalogue/listings/\d+">([^<]*)</a>', section)]
