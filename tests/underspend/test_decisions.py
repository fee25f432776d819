"""Clawback only by a finance officer's decision: approve, change the amount (never above what is held
over the rule) or reject, with a reason; approval posts the clawback to the ledger, tells the holder and
their broker, and shows on the case timeline. Pages as finance and as the holder.

The proposal: Aldermoor, £1,700 held on 23 June 2026, £160 above 10 weeks of payments (£1,540)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from marketplace import clock
from marketplace.budgets import ledger
from marketplace.budgets.models import LedgerEntry
from marketplace.errors import DomainError, NotAllowed
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.plans.service import timeline
from marketplace.underspend.decisions import decide
from marketplace.underspend.models import ClawbackProposal
from marketplace.underspend.service import check

from ..helpers import Browser, page_text
from .support import case, four_weekly

YEARLY = 800_800


@pytest.fixture
def proposed(make, ctx):
    c = case("aldermoor", YEARLY)
    c.receive(*four_weekly(3), amount=61_600)
    c.spend(14_800)
    check(date(2026, 6, 23))
    return c, db.session.scalar(db.select(ClawbackProposal))


def clawed_back(budget) -> list[LedgerEntry]:
    return db.session.scalars(db.select(LedgerEntry).filter_by(budget_id=budget.id, kind="clawback")).all()


def test_approval_posts_the_clawback_tells_the_holder_and_broker_and_shows_on_the_timeline(proposed):
    c, proposal = proposed
    decide(c.finance, proposal, "approve", reason="Above the 10 weeks the council allows.")
    (entry,) = clawed_back(c.budget)
    assert (entry.amount_pence, entry.pot, entry.actor_id) == (16_000, c.key, c.finance.id)
    assert ledger.balances(c.budget.id).total.available == 154_000  # £1,700 - £160
    assert (proposal.status, proposal.amount_pence, proposal.ledger_entry_id) == ("approved", 16_000, entry.id)
    for person in (c.holder_user, c.broker):
        titles = db.session.scalars(db.select(Notification.title).filter_by(user_id=person.id)).all()
        assert "Sam Holder: £160.00 returned to the council" in titles
    steps, _waiting = timeline(c.holder)
    assert steps[-1]["what"] == "Unspent money returned to the council, by a finance officer's decision"
    assert steps[-1]["reason"] == "£160.00: Above the 10 weeks the council allows."
    assert steps[-1]["who"] == c.finance.name


def test_a_changed_amount_is_posted_and_is_bounded_by_what_is_held_over_the_rule(proposed):
    c, proposal = proposed
    with pytest.raises(DomainError, match="at most £160.00"):
        decide(c.finance, proposal, "change", amount_pence=16_001, reason="More")
    with pytest.raises(DomainError, match="more than £0"):
        decide(c.finance, proposal, "change", amount_pence=0, reason="None")
    db.session.rollback()
    decide(c.finance, proposal, "change", amount_pence=10_000, reason="Keep £60 for the winter heating.")
    assert [e.amount_pence for e in clawed_back(c.budget)] == [10_000]
    assert (proposal.status, proposal.amount_pence) == ("changed", 10_000)


def test_a_rejection_takes_nothing_and_says_why(proposed):
    c, proposal = proposed
    decide(c.finance, proposal, "reject", reason="Sam is saving for a course agreed at the review.")
    assert clawed_back(c.budget) == []
    assert (proposal.status, proposal.amount_pence) == ("rejected", None)
    body = db.session.scalar(db.select(Notification.body).filter_by(user_id=c.holder_user.id,
                                                                  title="Sam Holder: no money will be taken back"))
    assert "Sam is saving for a course" in body


def test_a_decision_needs_a_reason_and_is_made_once(proposed):
    c, proposal = proposed
    with pytest.raises(DomainError, match="Give a reason"):
        decide(c.finance, proposal, "approve", reason="  ")
    decide(c.finance, proposal, "approve", reason="Agreed.")
    with pytest.raises(DomainError):
        decide(c.finance, proposal, "reject", reason="Changed my mind")
    assert len(clawed_back(c.budget)) == 1


def test_only_a_finance_officer_of_the_council_decides(proposed, make):
    c, proposal = proposed
    other_finance = make.user("finance_officer", make.council("birchley"))
    for person in (c.holder_user, c.broker, c.coordinator, make.user("team_manager", c.council),
                   make.user("administrator", c.council), other_finance):
        with pytest.raises(NotAllowed):
            decide(person, proposal, "approve", reason="I say so")
    assert clawed_back(c.budget) == [] and proposal.status == "proposed"


def test_holding_back_a_payment_is_a_decision_too(make, ctx):
    # Dunmere, as in test_check: £209.06 of the £616 due on 22 July may be held back, after contact.
    c = case("dunmere", YEARLY)
    c.receive(*four_weekly(3), amount=61_600)
    c.spend(102_294)
    check(date(2026, 6, 23))
    c.receive(date(2026, 6, 24), amount=61_600)
    check(date(2026, 7, 21))
    proposal = db.session.scalar(db.select(ClawbackProposal))
    assert clawed_back(c.budget) == []
    decide(c.finance, proposal, "approve", reason="Sam agreed on the phone.")
    (entry,) = clawed_back(c.budget)
    assert entry.amount_pence == 20_906
    assert entry.memo == "Held back from the payment due on 22 July 2026: Sam agreed on the phone."
    steps, _waiting = timeline(c.holder)
    assert steps[-1]["what"] == "Part of the next payment held back, by a finance officer's decision"


def test_finance_sees_the_queue_and_decides_on_the_page(proposed, app):
    c, proposal = proposed
    browser = Browser(app.test_client())
    browser.sign_in(c.finance.email)
    home = page_text(browser.get("/"))
    assert "Underspend" in home
    queue = page_text(browser.get("/council/underspend"))
    assert "Sam Holder" in queue and "£1,700.00" in queue and "£1,540.00" in queue and "£160.00" in queue
    page = page_text(browser.get(f"/council/underspend/{proposal.id}"))
    assert "Aldermoor asks for money back only above 10 weeks of payments (£1,540)" in page
    assert "Most you can decide £160.00" in page
    too_much = browser.submit(f"/council/underspend/{proposal.id}", {"decision": "change", "amount": "200", "reason": "x"})
    assert too_much.status_code == 200 and "The amount can be at most £160.00" in page_text(too_much)
    no_amount = browser.submit(f"/council/underspend/{proposal.id}", {"decision": "change", "amount": "", "reason": "x"})
    assert "Enter the different amount" in page_text(no_amount)
    bad = browser.submit(f"/council/underspend/{proposal.id}", {"decision": "change", "amount": "lots", "reason": "x"})
    assert bad.status_code == 200
    check = browser.submit(f"/council/underspend/{proposal.id}", {"decision": "change", "amount": "120", "reason": "Keep £40."})
    assert check.status_code == 200 and "Check your decision" in page_text(check) and clawed_back(c.budget) == []
    assert "Yes, take back £120.00" in page_text(check)
    again = browser.submit(f"/council/underspend/{proposal.id}", {"decision": "change", "amount": "120", "reason": "Keep £40.",
                                                                  "confirmed": "no"})
    assert "Record the decision" in page_text(again) and clawed_back(c.budget) == []
    done = browser.submit(f"/council/underspend/{proposal.id}", {"decision": "change", "amount": "120", "reason": "Keep £40.",
                                                                 "confirmed": "yes"})
    assert done.status_code == 302
    db.session.expire_all()
    assert [e.amount_pence for e in clawed_back(c.budget)] == [12_000]
    assert "Sam Holder, approved with a changed amount (£120.00)" in page_text(browser.get("/council/underspend"))


def test_the_holder_sees_the_position_and_cannot_reach_the_queue(proposed, app):
    c, proposal = proposed
    browser = Browser(app.test_client())
    browser.sign_in(c.holder_user.email)
    with clock.frozen(datetime(2026, 6, 23, 9, tzinfo=timezone.utc)):
        money = page_text(browser.get(f"/holders/{c.holder.id}/money"))
    assert ("You have £1,694.94 more than your plan expected by now. Aldermoor asks for money back only above 10 weeks of "
            "payments (£1,540): you hold £160 more than that") in money
    assert "Underspend" not in page_text(browser.get("/"))
    assert browser.get("/council/underspend").status_code == 403
    assert browser.get(f"/council/underspend/{proposal.id}").status_code == 403
    assert browser.submit(f"/council/underspend/{proposal.id}", {"decision": "approve", "reason": "Me"},
                          form_url=f"/holders/{c.holder.id}/money").status_code == 403
    assert clawed_back(c.budget) == []
