"""The underspend check (``flask underspend check``): for every budget with an approved plan, find the
position, warn the holder and their helpers weeks before a rule would bite (once per crossing), and
make a clawback proposal where a rule has bitten. Nothing here moves money: a proposal waits for a
finance officer (see decisions.py). Safe to run again on the same day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..accounts import roles as R
from ..accounts.models import RoleGrant
from ..budgets import ledger
from ..budgets.models import BudgetPeriod
from ..councils.models import Council
from ..extensions import db
from ..money import format_pence
from ..notifications.service import notify_all
from ..plans.models import SupportPlan
from .models import CLAWBACK, ClawbackProposal, UnderspendWarning
from .position import Position, position

AFTER_END_DAYS = 28  # a plan period is still checked this long after it ends (for rules applied at its end)


@dataclass
class CheckResult:
    budgets: int = 0
    warned: int = 0
    cleared: int = 0
    proposed: int = 0


def holder_side(holder) -> list:
    """The holder and everyone acting for them today (representatives, brokers, budget managers)."""
    return [holder.user] + [d.delegate for d in holder.active_delegations()]


def open_warning(budget: BudgetPeriod) -> UnderspendWarning | None:
    return db.session.scalar(db.select(UnderspendWarning).filter_by(budget_id=budget.id, cleared_on=None)
                             .order_by(UnderspendWarning.id.desc()))


def open_proposal(budget: BudgetPeriod) -> ClawbackProposal | None:
    return db.session.scalar(db.select(ClawbackProposal).filter_by(budget_id=budget.id, status="proposed"))


def _budgets_to_check(on: date, council: Council | None) -> list[BudgetPeriod]:
    query = (db.select(BudgetPeriod).where(
        BudgetPeriod.id.in_(db.select(SupportPlan.budget_id).filter_by(status="approved")),
        BudgetPeriod.starts_on <= on, BudgetPeriod.ends_on >= on - timedelta(days=AFTER_END_DAYS))
        .order_by(BudgetPeriod.id))
    if council is not None:
        query = query.where(BudgetPeriod.council_id == council.id)
    return db.session.scalars(query).all()


def warning_due(pos: Position) -> bool:
    """The forecast says the rule will bite within the rule's warning weeks (or it already has)."""
    return pos.bites_on is not None and pos.bites_on <= pos.on + timedelta(weeks=pos.warn_weeks_ahead)


def _warning_text(budget: BudgetPeriod, pos: Position) -> str:
    review = f"/holders/{budget.holder_id}/plan-review"
    return (f"{pos.sentence}\n\nWhat you can do now:\n"
            f"- spend the money on the support in your plan (you can order it in Support Market);\n"
            f"- ask for a review of your plan if your needs have changed: {review};\n"
            f"- keep some money back as a contingency for emergencies, and tell your contact at the council.\n\n"
            f"Nothing is taken back without a person at the council deciding, and you will be told first.")


def _warn_or_clear(budget: BudgetPeriod, pos: Position, on: date) -> tuple[int, int]:
    """Send a warning when one is due and none is open; clear an open one the forecast no longer needs."""
    current = open_warning(budget)
    if warning_due(pos):
        if current is not None:
            return 0, 0  # this crossing was warned about already
        db.session.add(UnderspendWarning(budget_id=budget.id, holder_id=budget.holder_id, council_id=budget.council_id,
                                         rule_kind=pos.rule_kind, warned_on=on, bites_on=pos.bites_on,
                                         threshold_pence=pos.threshold_pence,
                                         forecast_excess_pence=pos.forecast_excess_pence or pos.excess_pence))
        title = (f"{budget.holder.name}: the council may ask for some money back" if pos.bites_now else
                 f"{budget.holder.name}: money may build up by {pos.bites_on:%-d %B %Y}")
        notify_all(holder_side(budget.holder), title, _warning_text(budget, pos), f"/holders/{budget.holder_id}/money")
        return 1, 0
    if current is not None:
        current.cleared_on = on
        return 0, 1
    return 0, 0


def _workers(holder) -> list:
    if holder.named_contact is not None:
        return [holder.named_contact]
    return [g.user for g in db.session.scalars(db.select(RoleGrant).filter_by(council_id=holder.council_id,
                                                                             role=R.CARE_COORDINATOR))]


def _propose(budget: BudgetPeriod, pos: Position, on: date) -> int:
    warning = open_warning(budget)
    key = pos.rule.due_key(pos.facts, warning.warned_on if warning else None)
    if key is None or open_proposal(budget) is not None:
        return 0
    if db.session.scalar(db.select(ClawbackProposal.id).filter_by(budget_id=budget.id, period_key=key)) is not None:
        return 0  # this period's proposal was made (and perhaps decided) already
    amount, kind, payment_due_on = pos.excess_pence, pos.rule.proposal_kind, None
    if kind == "hold_back":
        upcoming = pos.facts.next_payment()
        if upcoming is None:
            kind = "clawback"  # no payment left to hold back from
        else:
            payment_due_on, amount = upcoming[0], min(amount, upcoming[1])
    if amount <= 0:
        return 0
    proposal = ClawbackProposal(
        budget_id=budget.id, holder_id=budget.holder_id, council_id=budget.council_id, kind=kind, rule_kind=pos.rule_kind,
        rule_text=pos.rule_text, period_key=key, as_of=on, held_pence=pos.held_pence, expected_pence=pos.expected_pence,
        threshold_pence=pos.threshold_pence, excess_pence=pos.excess_pence, proposed_pence=amount,
        payment_due_on=payment_due_on)
    proposal.holder = budget.holder
    CLAWBACK.start(proposal, "proposed", reason=pos.sentence, amount_pence=amount, kind=kind)
    then = pos.rule.after_bite()
    if then:
        notify_all(_workers(budget.holder), f"Please review {budget.holder.name}'s plan",
                   f"{budget.holder.name} holds {format_pence(pos.excess_pence)} more than {pos.rule.name}'s agreed contingency "
                   f"({format_pence(pos.threshold_pence)}). Under the council's rule {then}. A finance officer will decide "
                   f"whether to take the money back.", f"/holders/{budget.holder_id}/money")
    return 1


def check(on: date, council: Council | None = None) -> CheckResult:
    """Warn and propose for every budget to check (one commit per budget, under its lock)."""
    result = CheckResult()
    for budget in _budgets_to_check(on, council):
        ledger.lock_budget(budget)
        pos = position(budget, on)
        warned, cleared = _warn_or_clear(budget, pos, on)
        db.session.flush()
        result.proposed += _propose(budget, pos, on)
        result.budgets += 1
        result.warned += warned
        result.cleared += cleared
        db.session.commit()
    return result


def queue(council: Council, *, decided: bool = False) -> list[ClawbackProposal]:
    """The finance queue: proposals waiting for a decision (or, with ``decided``, the latest decisions)."""
    query = db.select(ClawbackProposal).filter_by(council_id=council.id)
    if decided:
        return db.session.scalars(query.where(ClawbackProposal.status != "proposed")
                                  .order_by(ClawbackProposal.decided_at.desc()).limit(50)).all()
    return db.session.scalars(query.filter_by(status="proposed").order_by(ClawbackProposal.as_of, ClawbackProposal.id)).all()
