"""A finance officer decides a clawback proposal: approve it, approve a changed amount (never more than
the money held above the rule), or reject it, always with a reason. Approval posts clawback entries to
the ledger, tells the holder and everyone acting for them, and shows on the case timeline. Nothing is
clawed back without this decision."""
from __future__ import annotations

from .. import clock
from ..budgets import ledger
from ..errors import DomainError, NotAllowed
from ..events import service as events
from ..extensions import db
from ..money import format_pence
from ..notifications.service import notify_all
from ..policy import can
from .models import CLAWBACK, ClawbackProposal
from .service import holder_side

REASON_MAX = 2000
DECISIONS = {"approve": "approved", "change": "changed", "reject": "rejected"}


def _shares(budget, amount: int) -> list[tuple[str | None, int]]:
    """Where the money comes from: the one pot, or (where money is earmarked per outcome) each pot in
    proportion to what it holds, the pennies left over from the pot holding most."""
    balances = ledger.balances(budget.id)
    if not budget.council.money_is_earmarked:
        return [(None, amount)]
    pots = sorted(((key, pot.available) for key, pot in balances.pots.items() if pot.available > 0),
                  key=lambda item: (-item[1], item[0] or ""))
    held = sum(available for _key, available in pots)
    if amount > held:
        raise DomainError(f"Only {format_pence(held)} is left in the account, so {format_pence(amount)} cannot be taken back.")
    shares = [(key, amount * available // held) for key, available in pots]
    short = amount - sum(share for _key, share in shares)
    shares[0] = (shares[0][0], shares[0][1] + short)
    return [(key, share) for key, share in shares if share > 0]


def _memo(proposal: ClawbackProposal, reason: str) -> str:
    if proposal.kind == "hold_back":
        return f"Held back from the payment due on {proposal.payment_due_on:%-d %B %Y}: {reason}"[:300]
    return f"Unspent money returned to the council: {reason}"[:300]


def validated(proposal: ClawbackProposal, decision: str, *, reason: str, amount_pence: int | None = None) -> tuple[str, int | None, str]:
    """(the state it moves to, the amount taken back or None, the reason) for a decision that may be
    made, or DomainError saying what is wrong; the confirmation page shows this before anything moves."""
    if decision not in DECISIONS:
        raise DomainError("Choose whether to approve, change the amount or reject.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give a reason for the decision: the person will read it.")
    if len(reason) > REASON_MAX:
        raise DomainError(f"Keep the reason to {REASON_MAX:,} characters.")
    target = DECISIONS[decision]
    CLAWBACK.check(proposal, target)
    if decision == "change":
        if amount_pence is None or amount_pence <= 0:
            raise DomainError("Enter the amount to take back, more than £0.")
        if amount_pence > proposal.most_pence:
            raise DomainError(f"The amount can be at most {format_pence(proposal.most_pence)}: "
                              + ("the money held above the rule when this was proposed." if proposal.kind == "clawback"
                                 else "no more than the money held above the rule, nor than the next payment."))
    amount = None if decision == "reject" else (amount_pence if decision == "change" else proposal.proposed_pence)
    return target, amount, reason


def decide(actor, proposal: ClawbackProposal, decision: str, *, reason: str, amount_pence: int | None = None) -> ClawbackProposal:
    """Record a finance officer's decision. Raises NotAllowed, DomainError (or InvalidTransition)."""
    if not can(actor, "council.clawbacks", proposal.council):
        raise NotAllowed("Only a finance officer of the council can decide this.")
    budget = proposal.budget
    ledger.lock_budget(budget)
    db.session.refresh(proposal)
    target, amount, reason = validated(proposal, decision, reason=reason, amount_pence=amount_pence)
    entries = []
    if amount:
        for pot, share in _shares(budget, amount):
            entries.append(ledger.clawback(budget, share, pot=pot, actor=actor, cause=proposal, memo=_memo(proposal, reason)))
    proposal.amount_pence = amount
    proposal.reason = reason
    proposal.decided_by_id = actor.id
    proposal.decided_at = clock.now()
    proposal.ledger_entry_id = entries[0].id if entries else None
    CLAWBACK.move(proposal, target, actor=actor, reason=reason, amount_pence=amount)
    _tell(actor, proposal, amount, reason)
    db.session.commit()
    return proposal


def _tell(actor, proposal: ClawbackProposal, amount: int | None, reason: str) -> None:
    holder = proposal.holder
    link = f"/holders/{holder.id}/money"
    if amount is None:
        notify_all(holder_side(holder), f"{holder.name}: no money will be taken back",
                   f"The council looked at the money held in {holder.name}'s account and decided not to take any back. "
                   f"The reason given: {reason}", link)
        return
    if proposal.kind == "hold_back":
        action, title = "budget.payment_held_back", f"{holder.name}: part of the next payment is held back"
        body = (f"The council has decided to hold back {format_pence(amount)} of the payment due on "
                f"{proposal.payment_due_on:%-d %B %Y}, because more money built up in the account than its rule allows. "
                f"It has been taken off the money left to spend. The reason given: {reason}")
    else:
        action, title = "budget.clawback", f"{holder.name}: {format_pence(amount)} returned to the council"
        body = (f"The council has decided to take back {format_pence(amount)} of unspent money, because more built up in "
                f"the account than its rule allows. The reason given: {reason}")
    events.record(action, actor=actor, holder=holder, obj=proposal.budget, amount_pence=amount,
                  reason=f"{format_pence(amount)}: {reason}")
    notify_all(holder_side(holder), title, body + "\n\nIf you think this is wrong, talk to your contact at the council.", link)
