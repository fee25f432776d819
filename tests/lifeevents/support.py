"""Reading what a life event did: each date's state, the money, what people were told."""
from __future__ import annotations

from marketplace.budgets import ledger
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.orders.models import Occurrence, Order

from ..ledger_replay import replay


def dates(order: Order) -> dict:
    """{date: status} of the order's occurrences, as the database has them now (the latest row per date)."""
    db.session.expire_all()
    rows = db.session.scalars(db.select(Occurrence).filter_by(order_id=order.id).order_by(Occurrence.id)).all()
    return {o.on: o.status for o in rows}


def committed_by_dates(holder) -> int:
    """What the holder's dates still hold promised: booked, delivered or cancelled late (its charge)."""
    db.session.expire_all()
    rows = db.session.scalars(db.select(Occurrence).join(Order).where(Order.holder_id == holder.id)).all()
    return sum(o.amount_pence for o in rows if o.status in ("scheduled", "delivered", "cancelled_charged", "confirmed", "invoiced"))


def reconciles(budget) -> ledger.Balances:
    """The ledger's grouped balances equal a walk through its entries, and nothing is negative."""
    db.session.expire_all()
    grouped = ledger.balances(budget.id)
    walked = replay(ledger.entries_for(budget.id))
    assert grouped.total == walked.total
    assert grouped.pots == walked.pots
    assert grouped.total.available >= 0 and grouped.total.committed >= 0
    return grouped


def told(user) -> list[Notification]:
    db.session.expire_all()
    return db.session.scalars(db.select(Notification).filter_by(user_id=user.id).order_by(Notification.id)).all()


def told_text(user) -> str:
    return " ".join(f"{n.title}. {n.body}" for n in told(user))


def discreet(text: str) -> bool:
    """Nothing a provider reads says why support stopped."""
    lowered = text.lower()
    return not any(word in lowered for word in ("hospital", "died", "death", "dead", "move", "moving", "address"))
