"""Nothing promised is lost: notifications and emails are written in the same transaction as the
change they tell of, so a worker that dies right after an order's money is committed loses no
message; a mail server that is down delays email, never loses it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from marketplace import clock, mail
from marketplace.extensions import db
from marketplace.mail import OutgoingEmail
from marketplace.notifications.models import Notification
from marketplace.orders.models import Order

from ..orders.conftest import *  # noqa: F403  (the small market the ordering tests use)
from ..orders.conftest import NOW
from ..orders.support import add_to_basket_page, checkout_page, key, orders_of, read
from .proxy import free_port


@pytest.fixture
def unused_port() -> int:
    """A port nothing listens on."""
    return free_port()


class WorkerKilled(RuntimeError):
    """Stands for the process dying between the commit and anything after it."""


@pytest.fixture
def killed_after_the_order_commits():
    """Fail every request right after the commit that stores a new order, before anything else runs."""
    def note_new_order(session, _context):
        if any(isinstance(obj, Order) for obj in session.new):
            session.info["new_order"] = True

    def die(session):
        if session.info.pop("new_order", False):
            raise WorkerKilled("killed right after the commit")

    event.listen(Session, "after_flush", note_new_order)
    event.listen(Session, "after_commit", die, insert=True)  # before the mail is sent after the commit
    yield
    event.remove(Session, "after_commit", die)
    event.remove(Session, "after_flush", note_new_order)


def _emails(**where):
    return db.session.scalars(select(OutgoingEmail).filter_by(**where).order_by(OutgoingEmail.id)).all()


def test_a_worker_killed_after_an_order_commits_loses_no_notification_and_the_buyer_finds_the_order(
        app, browser, holder, budget, outing, sessions, pat, killed_after_the_order_commits):
    browser.sign_in("jo@example.com")
    add_to_basket_page(browser, holder, sessions, 2, outing)
    submission = key()

    with pytest.raises(WorkerKilled):  # the buyer sees an error page
        checkout_page(browser, holder, submission)

    (placed,) = orders_of(holder)
    told = db.session.scalars(select(Notification).filter_by(user_id=pat.id)).all()
    assert [n.link for n in told] == [f"/orders/{placed.id}"]
    waiting = _emails(to_address="pat@example.com")
    assert len(waiting) == 1 and waiting[0].sent_at is None  # written with the order, not sent yet
    assert mail.outbox() == []

    basket = browser.client.get(f"/holders/{holder.id}/basket")  # the buyer comes back
    assert "Placed in the last day" in read(basket) and f"Order {placed.id} with Out and About Ltd" in read(basket)
    again = checkout_page(browser, holder, submission)  # and presses the button again
    assert again.status_code == 200
    assert f"Order {placed.id}" in read(again) and "Order placed" in read(again)
    assert [o.id for o in orders_of(holder)] == [placed.id]

    result = app.test_cli_runner().invoke(args=["mail", "send"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Sent 1 emails; 0 failed")
    assert [m.to for m in mail.outbox()] == ["pat@example.com"]
    assert f"/orders/{placed.id}" in mail.outbox()[0].body
    assert mail.waiting() == 0


def test_a_message_that_rolls_back_with_its_change_is_never_sent(ctx, make):
    user = make.user(email="ola@example.com", name="Ola")
    mail.send(user.email, "Something happened", "It did.")
    db.session.rollback()

    db.session.commit()

    assert _emails() == [] and mail.outbox() == []


def test_email_waits_while_the_mail_server_is_down_and_is_sent_when_it_is_back(
        app, browser, holder, budget, outing, sessions, pat, unused_port, frozen_clock):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=unused_port)
    try:
        browser.sign_in("jo@example.com")
        add_to_basket_page(browser, holder, sessions, 2, outing)
        response = checkout_page(browser, holder)
        assert response.status_code == 200 and "Order placed" in read(response)
        (message,) = _emails(to_address="pat@example.com")
        assert (message.sent_at, message.attempts) == (None, 1)
        assert message.last_error.startswith("ConnectionRefusedError")
        assert message.next_attempt_at == NOW + timedelta(minutes=1)

        assert mail.deliver_due() == (0, 0)  # not due yet: nothing is hammered
    finally:
        app.config.update(MAIL_BACKEND="console")
    frozen_clock.advance(minutes=2)

    assert mail.deliver_due() == (1, 0)
    db.session.expire_all()
    assert _emails(to_address="pat@example.com")[0].sent_at is not None
    assert [m.to for m in mail.outbox()] == ["pat@example.com"]


def test_an_email_that_keeps_failing_is_given_up_and_logged(app, ctx, make, unused_port, caplog):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=unused_port, MAIL_MAX_ATTEMPTS=3)
    start = clock.now()
    try:
        mail.send("ola@example.com", "Hello", "Body")
        db.session.commit()
        for n in range(1, 4):
            clock.set_source(lambda n=n: start + timedelta(days=n))
            mail.deliver_due()
    finally:
        app.config.update(MAIL_BACKEND="console", MAIL_MAX_ATTEMPTS=8)
        clock.set_source(None)

    (message,) = _emails()
    assert message.attempts == 3 and message.failed_at is not None and message.sent_at is None
    assert "Gave up sending email" in caplog.text
    assert mail.waiting() == 0
