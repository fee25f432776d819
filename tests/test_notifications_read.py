"""A notification is marked read when its person opens it, and the list shows which are read."""
from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.notifications.service import notify

from .helpers import page_text


@pytest.fixture
def jo(make):
    return make.user(email="jo@example.com", name="Jo Holder")


def note(user, link: str | None = "/catalogue", title: str = "Your order was accepted") -> Notification:
    made = notify(user, title, "Out and About Ltd accepted it.", link, email=False)
    db.session.commit()
    return made


def read_at(made: Notification):
    db.session.expire_all()
    return db.session.get(Notification, made.id).read_at


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(browser, jo):
    made = note(jo, "/catalogue?q=garden")
    browser.sign_in("jo@example.com")
    response = browser.get(f"/notifications/{made.id}/open")
    assert response.status_code == 302
    assert response.headers["Location"] == "/catalogue?q=garden"
    assert read_at(made) is not None


def test_the_list_links_through_the_opening_route_and_shows_read_and_new_apart(browser, jo):
    first, second = note(jo, title="Your order was accepted"), note(jo, title="An invoice is ready")
    browser.sign_in("jo@example.com")
    html = browser.get("/notifications").get_data(as_text=True)
    assert f'href="/notifications/{first.id}/open"' in html and f'href="/notifications/{second.id}/open"' in html
    assert "2 not read yet." in page_text(browser.get("/notifications"))
    browser.get(f"/notifications/{first.id}/open")
    text = page_text(browser.get("/notifications"))
    assert "1 not read yet." in text
    assert "New An invoice is ready" in text and "Read Your order was accepted" in text


def test_somebody_elses_notification_cannot_be_opened_or_marked(browser, make, jo):
    made = note(jo)
    make.user(email="sam@example.com")
    browser.sign_in("sam@example.com")
    assert browser.get(f"/notifications/{made.id}/open").status_code == 404
    assert browser.get("/notifications/999999/open").status_code == 404
    assert read_at(made) is None


@pytest.mark.parametrize("link", ["https://evil.example/pay", "//evil.example/pay", "/\\evil.example", None])
def test_a_link_that_leaves_the_product_or_none_goes_back_to_the_list(browser, jo, link):
    made = note(jo, link)
    browser.sign_in("jo@example.com")
    response = browser.get(f"/notifications/{made.id}/open")
    assert response.headers["Location"] == "/notifications"
    assert read_at(made) is not None


def test_an_anonymous_visitor_is_sent_to_sign_in(browser, jo):
    made = note(jo)
    response = browser.get(f"/notifications/{made.id}/open")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert read_at(made) is None
