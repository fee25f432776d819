"""Asking a provider a question about a listing before ordering, and its answer."""
from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.orders.models import Enquiry

from .support import read


def ask(browser, listing, question="Can the worker come with me to the football on Saturdays?"):
    return browser.submit(f"/catalogue/listings/{listing.id}/ask", {"question": question})


def enquiries() -> list[Enquiry]:
    db.session.expire_all()
    return db.session.scalars(db.select(Enquiry).order_by(Enquiry.id)).all()


@pytest.fixture
def asked(browser, jo, holder, sessions, pat):
    """Jo's question about the £40 sessions, sent from the listing's "ask" page; Jo is signed out after."""
    browser.sign_in("jo@example.com")
    assert ask(browser, sessions).status_code == 302
    browser.sign_out()
    (enquiry,) = enquiries()
    return enquiry


def test_a_holder_asks_a_question_on_the_listing(asked, jo, holder, sessions, provider):
    assert (asked.asked_by_id, asked.holder_id, asked.listing_id, asked.organisation_id) == (jo.id, holder.id, sessions.id,
                                                                                               provider[0].id)
    assert asked.question == "Can the worker come with me to the football on Saturdays?"
    assert asked.answer is None


def test_the_provider_is_told_of_the_question(asked, pat):
    titles = db.session.scalars(db.select(Notification.title).filter_by(user_id=pat.id)).all()
    assert titles == ["A question about “Support worker for days out”"]


def test_the_provider_sees_the_question_and_answers_it(browser, asked, pat):
    browser.sign_in("pat@example.com")
    assert "Can the worker come with me to the football on Saturdays?" in read(browser.get("/enquiries"))
    response = browser.submit(f"/enquiries/{asked.id}/answer", {"answer": "Yes, home games at least."}, form_url="/enquiries")
    assert response.status_code == 302
    enquiry = enquiries()[0]
    assert (enquiry.answer, enquiry.answered_by_id) == ("Yes, home games at least.", pat.id)


def test_the_asker_sees_the_answer(browser, asked, pat):
    browser.sign_in("pat@example.com")
    browser.submit(f"/enquiries/{asked.id}/answer", {"answer": "Yes, home games at least."}, form_url="/enquiries")
    browser.sign_out()
    browser.sign_in("jo@example.com")
    assert "Out and About Ltd answered: Yes, home games at least." in read(browser.get("/enquiries"))


def test_the_asker_is_told_there_is_an_answer(browser, asked, jo, pat):
    browser.sign_in("pat@example.com")
    browser.submit(f"/enquiries/{asked.id}/answer", {"answer": "Yes."}, form_url="/enquiries")
    (note,) = db.session.scalars(db.select(Notification).filter_by(user_id=jo.id)).all()
    assert (note.title, note.body) == ("Out and About Ltd answered your question", "Yes.")


def test_an_empty_answer_is_not_sent(browser, asked, pat):
    browser.sign_in("pat@example.com")
    response = browser.submit(f"/enquiries/{asked.id}/answer", {"answer": ""}, form_url="/enquiries")
    assert response.status_code == 302
    assert enquiries()[0].answer is None


def test_another_provider_cannot_answer(browser, make, aldermoor, asked):
    make.provider(aldermoor, name="Rival Care", user_email="rita@example.com")
    browser.sign_in("rita@example.com")
    response = browser.submit(f"/enquiries/{asked.id}/answer", {"answer": "Come to us instead!"}, form_url="/enquiries")
    assert response.status_code == 403
    assert enquiries()[0].answer is None


def test_another_provider_does_not_see_the_question(browser, make, aldermoor, asked):
    make.provider(aldermoor, name="Rival Care", user_email="rita@example.com")
    browser.sign_in("rita@example.com")
    assert "football" not in read(browser.get("/enquiries"))


def test_the_asker_cannot_answer_their_own_question(browser, asked):
    browser.sign_in("jo@example.com")
    assert browser.submit(f"/enquiries/{asked.id}/answer", {"answer": "Hmm"}, form_url="/enquiries").status_code == 403


def test_a_question_needs_words(browser, jo, holder, sessions):
    browser.sign_in("jo@example.com")
    response = ask(browser, sessions, "")
    assert response.status_code == 200
    assert "Write your question" in read(response)
    assert enquiries() == []
