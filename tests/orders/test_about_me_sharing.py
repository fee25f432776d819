"""Tell us once: the holder shares their "about me" with one order's provider, sees who has it, and
takes it back; nothing is shared by default, and nobody else can share it or see it."""
from __future__ import annotations

import pytest

from marketplace import policy
from marketplace.accounts import roles as R
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.orders.sharing_models import Sharing

from .support import order, read

ABOUT = "I am deaf in my left ear; please knock loudly and face me when you talk."
NEEDS = "Step-free access; I use a wheelchair."


@pytest.fixture
def told(holder):
    holder.about_me, holder.accessibility_needs, holder.preferred_contact = ABOUT, NEEDS, "text"
    db.session.commit()
    return holder


@pytest.fixture
def two_orders(jo, told, budget, outing, sessions):
    return order(jo, told, sessions, 1, outing), order(jo, told, sessions, 1, outing)


@pytest.fixture
def rival(make, aldermoor):
    _, person = make.provider(aldermoor, name="Rival Care", user_email="rita@example.com")
    return person


def _share(browser, order_id):
    return browser.submit(f"/orders/{order_id}/about-me/share", form_url=f"/orders/{order_id}")


def _sharings(order_id):
    db.session.expire_all()
    return db.session.scalars(db.select(Sharing).filter_by(order_id=order_id)).all()


def test_nothing_is_shared_by_default(browser, two_orders, pat):
    first, _ = two_orders
    browser.sign_in("pat@example.com")
    text = read(browser.get(f"/orders/{first.id}"))
    assert ABOUT not in text and "deaf" not in text
    assert not policy.can(pat, "about_me.read", first)


def test_the_holder_is_asked_and_told_what_will_be_shared(browser, two_orders):
    first, _ = two_orders
    browser.sign_in("jo@example.com")
    text = read(browser.get(f"/orders/{first.id}"))
    assert "Share your 'about me' with Out and About Ltd?" in text
    assert "how you like to be contacted" in text


def test_share_then_provider_sees_it_on_that_order_only_then_withdraw(browser, two_orders, pat):
    first, second = two_orders
    browser.sign_in("jo@example.com")
    assert _share(browser, first.id).status_code == 302
    (row,) = _sharings(first.id)
    assert row.withdrawn_at is None and row.shared_by_id == row.holder.user_id
    assert any("shared their 'about me'" in n.title for n in db.session.scalars(
        db.select(Notification).filter_by(user_id=pat.id)))
    holder_page = read(browser.get(f"/holders/{row.holder_id}"))
    assert f"Out and About Ltd, for order {first.id}, since" in holder_page
    browser.sign_out()

    browser.sign_in("pat@example.com")
    shown = read(browser.get(f"/orders/{first.id}"))
    assert ABOUT in shown and NEEDS in shown and "Text message" in shown
    other = read(browser.get(f"/orders/{second.id}"))
    assert ABOUT not in other
    browser.sign_out()

    browser.sign_in("jo@example.com")
    confirm = read(browser.get(f"/about-me-sharings/{row.id}/stop"))
    assert "will no longer see what you wrote about yourself" in confirm
    assert browser.submit(f"/about-me-sharings/{row.id}/stop").status_code == 302
    (row,) = _sharings(first.id)
    assert row.withdrawn_at is not None
    holder_page = read(browser.get(f"/holders/{row.holder_id}"))
    assert "Shared before" in holder_page and f"Out and About Ltd, for order {first.id}, from" in holder_page
    assert "No provider. You can share it" in holder_page
    browser.sign_out()

    browser.sign_in("pat@example.com")
    assert ABOUT not in read(browser.get(f"/orders/{first.id}"))
    assert not policy.can(pat, "about_me.read", first)


def test_a_representative_who_may_order_can_share(browser, make, aldermoor, two_orders, told):
    rep = make.user(R.REPRESENTATIVE, aldermoor, email="rae@example.com", name="Rae Rep")
    make.delegation(told, rep, ["view", "order"])
    first, _ = two_orders
    browser.sign_in("rae@example.com")
    assert _share(browser, first.id).status_code == 302
    assert len(_sharings(first.id)) == 1


@pytest.mark.parametrize("who", ["broker", "coordinator", "pat", "rival"])
def test_others_cannot_share(browser, request, two_orders, who):
    first, _ = two_orders
    person = request.getfixturevalue(who)
    assert not policy.can(person, "about_me.share", first)
    browser.sign_in(person.email)
    token = browser.csrf_token("/")
    response = browser.client.post(f"/orders/{first.id}/about-me/share", data={"csrf_token": token})
    assert response.status_code == 403
    assert _sharings(first.id) == []


@pytest.mark.parametrize("who", ["broker", "coordinator", "rival"])
def test_others_cannot_see_it_even_once_shared(browser, request, jo, two_orders, who):
    first, _ = two_orders
    browser.sign_in("jo@example.com")
    _share(browser, first.id)
    browser.sign_out()
    person = request.getfixturevalue(who)
    assert not policy.can(person, "about_me.read", first)
    browser.sign_in(person.email)
    response = browser.get(f"/orders/{first.id}")
    assert ABOUT not in response.get_data(as_text=True)


def test_others_cannot_stop_a_sharing(browser, jo, two_orders, pat, broker):
    first, _ = two_orders
    browser.sign_in("jo@example.com")
    _share(browser, first.id)
    browser.sign_out()
    (row,) = _sharings(first.id)
    for email in ("pat@example.com", "bob@example.com"):
        browser.sign_in(email)
        token = browser.csrf_token("/")
        assert browser.client.post(f"/about-me-sharings/{row.id}/stop", data={"csrf_token": token}).status_code == 403
        browser.sign_out()
    assert _sharings(first.id)[0].withdrawn_at is None


def test_sharing_and_stopping_need_the_csrf_token(browser, two_orders):
    first, _ = two_orders
    browser.sign_in("jo@example.com")
    response = browser.client.post(f"/orders/{first.id}/about-me/share", data={})
    assert response.status_code in (302, 400)
    assert _sharings(first.id) == []
    _share(browser, first.id)
    (row,) = _sharings(first.id)
    response = browser.client.post(f"/about-me-sharings/{row.id}/stop", data={})
    assert response.status_code in (200, 400)
    assert _sharings(first.id)[0].withdrawn_at is None


def test_a_missing_sharing_or_order_is_not_found(browser, two_orders):
    browser.sign_in("jo@example.com")
    assert browser.get("/about-me-sharings/99999/stop").status_code == 404
    token = browser.csrf_token("/")
    assert browser.client.post("/orders/99999/about-me/share", data={"csrf_token": token}).status_code == 404


def test_sharing_twice_keeps_one_row(browser, two_orders):
    first, _ = two_orders
    browser.sign_in("jo@example.com")
    _share(browser, first.id)
    _share(browser, first.id)
    assert len(_sharings(first.id)) == 1


def test_nothing_to_share_gives_a_plain_answer(browser, jo, holder, budget, outing, sessions):
    placed = order(jo, holder, sessions, 1, outing)
    browser.sign_in("jo@example.com")
    response = _share(browser, placed.id)
    assert response.status_code == 302
    assert "There is nothing to share yet" in read(browser.get(f"/orders/{placed.id}"))
    assert _sharings(placed.id) == []


def test_the_provider_inbox_and_holder_page_do_not_show_it(browser, jo, two_orders, pat):
    first, _ = two_orders
    browser.sign_in("jo@example.com")
    _share(browser, first.id)
    browser.sign_out()
    browser.sign_in("pat@example.com")
    assert ABOUT not in browser.get("/provider/orders").get_data(as_text=True)
    assert browser.get(f"/holders/{first.holder_id}").status_code in (403, 404)


def test_a_broker_sees_no_share_button_and_a_stopped_sharing_stays_stopped(browser, jo, two_orders, broker):
    first, _ = two_orders
    browser.sign_in("bob@example.com")
    assert "Share your 'about me'" not in read(browser.get(f"/orders/{first.id}"))
    browser.sign_out()
    browser.sign_in("jo@example.com")
    _share(browser, first.id)
    (row,) = _sharings(first.id)
    browser.submit(f"/about-me-sharings/{row.id}/stop")
    response = browser.get(f"/about-me-sharings/{row.id}/stop")
    assert response.status_code == 302
    assert "You already stopped sharing" in read(browser.get(response.headers["Location"]))


def test_sharing_and_stopping_are_in_the_holders_activity(browser, two_orders):
    first, _ = two_orders
    browser.sign_in("jo@example.com")
    _share(browser, first.id)
    (row,) = _sharings(first.id)
    browser.submit(f"/about-me-sharings/{row.id}/stop")
    text = read(browser.get(f"/holders/{row.holder_id}"))
    assert "Shared their 'about me' with a provider for an order" in text
    assert "Stopped sharing their 'about me' with a provider" in text
