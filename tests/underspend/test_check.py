"""``flask underspend check``: warnings weeks before a rule bites (once per crossing), proposals only
where a rule has bitten, and never any money moved by the check itself. Figures as in test_rules.py."""
from __future__ import annotations

from datetime import date

from marketplace.budgets import ledger
from marketplace.budgets.models import LedgerEntry
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.underspend.models import ClawbackProposal, UnderspendWarning
from marketplace.underspend.service import check

from .support import case, four_weekly

YEARLY = 800_800


def notes(user) -> list[Notification]:
    return db.session.scalars(db.select(Notification).filter_by(user_id=user.id).order_by(Notification.id)).all()


def clawbacks() -> int:
    return db.session.scalar(db.select(db.func.count(LedgerEntry.id)).filter_by(kind="clawback"))


def test_a_holder_and_their_broker_are_warned_weeks_ahead_once_and_nothing_is_proposed_yet(make, ctx):
    # Aldermoor, £825.06 held: the forecast bites on 22 July, within 8 weeks of 23 June.
    c = case("aldermoor", YEARLY)
    c.receive(*four_weekly(3), amount=61_600)
    c.spend(102_294)
    first = check(date(2026, 6, 23))
    again = check(date(2026, 6, 23))
    next_day = check(date(2026, 6, 24))
    assert (first.warned, again.warned, next_day.warned) == (1, 0, 0)
    assert first.proposed == again.proposed == 0
    (holder_note,) = notes(c.holder_user)
    (broker_note,) = notes(c.broker)
    assert holder_note.title == "Sam Holder: money may build up by 22 July 2026"
    assert holder_note.body.startswith("You have £820 more than your plan expected by now.")
    assert "spend the money on the support in your plan" in holder_note.body
    assert f"ask for a review of your plan if your needs have changed: /holders/{c.holder.id}/plan-review" in holder_note.body
    assert "keep some money back as a contingency" in holder_note.body
    assert broker_note.body == holder_note.body
    assert notes(c.finance) == []
    assert clawbacks() == 0


def test_a_warning_clears_when_spending_catches_up_and_a_new_crossing_warns_again(make, ctx):
    c = case("aldermoor", YEARLY)
    c.receive(*four_weekly(3), amount=61_600)
    c.spend(102_294)
    assert check(date(2026, 6, 23)).warned == 1
    c.spend(70_000)  # now spending at more than the plan's rate: the forecast no longer crosses £1,540
    assert check(date(2026, 6, 23)).cleared == 1
    warning = db.session.scalar(db.select(UnderspendWarning))
    assert warning.cleared_on == date(2026, 6, 23)
    c.receive(date(2026, 6, 24), amount=61_600)
    ledger.receive(c.budget, "funding", 100_000, pot=c.key, memo="A one-off payment")
    db.session.commit()
    assert check(date(2026, 6, 25)).warned == 1
    assert len(notes(c.holder_user)) == 2


def test_aldermoor_proposes_a_clawback_of_what_is_above_ten_weeks_and_takes_nothing(make, ctx):
    # £1,700 held, £160 above £1,540: a proposal for £160, waiting for a finance officer.
    c = case("aldermoor", YEARLY)
    c.receive(*four_weekly(3), amount=61_600)
    c.spend(14_800)
    result = check(date(2026, 6, 23))
    assert (result.warned, result.proposed) == (1, 1)
    assert check(date(2026, 6, 23)).proposed == 0  # safe to run again
    assert check(date(2026, 6, 24)).proposed == 0  # one open proposal at a time
    proposal = db.session.scalar(db.select(ClawbackProposal))
    assert (proposal.status, proposal.kind, proposal.proposed_pence, proposal.excess_pence) == ("proposed", "clawback", 16_000, 16_000)
    assert (proposal.held_pence, proposal.threshold_pence, proposal.expected_pence) == (170_000, 154_000, 506)
    assert proposal.rule_text == "Aldermoor asks for money back only above 10 weeks of payments (£1,540)"
    assert clawbacks() == 0
    assert ledger.balances(c.budget.id).total.available == 170_000


def test_birchley_proposes_at_the_quarter_end_and_asks_the_worker_to_review(make, ctx):
    # £825.06 held, £209.06 over the £616 contingency: nothing on 23 June (mid-quarter), a proposal on 30 June.
    c = case("birchley", YEARLY)
    c.receive(*four_weekly(3), amount=61_600)
    c.spend(102_294)
    assert check(date(2026, 6, 23)).proposed == 0
    assert check(date(2026, 6, 30)).proposed == 1
    proposal = db.session.scalar(db.select(ClawbackProposal))
    assert (proposal.period_key, proposal.proposed_pence) == ("quarter:2026-06-30", 20_906)
    (review_note,) = notes(c.coordinator)
    assert review_note.title == "Please review Sam Holder's plan"
    assert clawbacks() == 0


def test_coldwater_never_warns_or_proposes(make, ctx):
    c = case("coldwater", YEARLY)
    c.receive(*four_weekly(3), amount=61_600)
    assert check(date(2026, 6, 23)).warned == check(date(2026, 6, 23)).proposed == 0
    assert notes(c.holder_user) == []


def test_dunmere_contacts_the_holder_first_then_proposes_holding_back_part_of_the_next_payment(make, ctx):
    # Warned on 23 June (the forecast crosses £1,232 on 24 June). The 24 June payment brings the money
    # held to £1,441.06, £209.06 over; a proposal may come only 28 days after the contact (21 July):
    # hold back £209.06 of the £616 due on 22 July.
    c = case("dunmere", YEARLY)
    c.receive(*four_weekly(3), amount=61_600)
    c.spend(102_294)
    assert check(date(2026, 6, 23)).warned == 1
    c.receive(date(2026, 6, 24), amount=61_600)
    assert check(date(2026, 7, 1)).proposed == 0
    assert check(date(2026, 7, 20)).proposed == 0
    assert check(date(2026, 7, 21)).proposed == 1
    proposal = db.session.scalar(db.select(ClawbackProposal))
    assert (proposal.kind, proposal.proposed_pence, proposal.payment_due_on) == ("hold_back", 20_906, date(2026, 7, 22))
    assert len(notes(c.holder_user)) == 1  # the one contact, not one a day
    assert clawbacks() == 0


def test_eskbridge_warns_eight_weeks_before_the_audit_and_proposes_at_it(make, ctx):
    c = case("eskbridge", 780_000, schedule="monthly")
    c.receive(*[date(2026 + (3 + m) // 12, (3 + m) % 12 + 1, 1) for m in range(11)], amount=65_000)
    c.spend(600_000)
    assert check(date(2027, 2, 2)).warned == 0  # 31 March is more than 8 weeks away
    assert check(date(2027, 2, 10)).warned == 1
    c.receive(date(2027, 3, 1), amount=65_000)
    assert check(date(2027, 3, 30)).proposed == 0  # before the audit
    assert check(date(2027, 3, 31)).proposed == 1
    proposal = db.session.scalar(db.select(ClawbackProposal))
    # £7,800 in, £6,000 spent: £1,800 held, £1,200 over the £600 contingency.
    assert (proposal.period_key, proposal.proposed_pence) == ("audit:2027-03-31", 120_000)


def test_the_command_checks_one_council(make, app, ctx):
    c = case("aldermoor", YEARLY)
    c.receive(*four_weekly(3), amount=61_600)
    c.spend(14_800)
    make.council("birchley")
    runner = app.test_cli_runner()
    other = runner.invoke(args=["underspend", "check", "--council", "birchley", "--on", "2026-06-23"])
    assert "Checked 0 budgets" in other.output
    result = runner.invoke(args=["underspend", "check", "--council", "aldermoor", "--on", "2026-06-23"])
    assert result.exit_code == 0, result.output
    assert "Checked 1 budgets on 23 June 2026: 1 warned, 0 warnings no longer needed, 1 proposals" in result.output
    assert runner.invoke(args=["underspend", "check", "--council", "nowhere"]).exit_code != 0
    assert runner.invoke(args=["underspend", "check", "--on", "31-02-2026"]).exit_code != 0
