"""Helpers shared by the ordering tests: ordering through the service or the pages, and reading money."""
from __future__ import annotations

import secrets

from marketplace import clock
from marketplace.budgets import ledger
from marketplace.extensions import db
from marketplace.orders import basket, placing
from marketplace.orders.models import BasketItem, Order

from ..helpers import page_text
from ..plans.support import date_fields


def key() -> str:
    """A fresh submission key, as the basket page makes one."""
    return secrets.token_hex(16)


def order(actor, holder, listing, quantity, outcome, *, schedule=None, submission_key=None) -> Order:
    """Put one thing in ``actor``'s basket for ``holder`` and place it through the service."""
    basket.add_to_basket(actor, holder, listing, quantity, outcome.key, schedule)
    (placed,) = placing.place(actor, holder, submission_key or key())
    return placed


def pot(budget, outcome=None) -> ledger.PotBalance:
    """The ledger's balance for an outcome's pot (or the one pot), as the database has it now."""
    db.session.expire_all()
    return ledger.balances(budget.id).pot(outcome.key if outcome is not None else None)


def total(budget) -> ledger.PotBalance:
    db.session.expire_all()
    return ledger.balances(budget.id).total


def fresh(obj):
    """``obj`` as the database has it now (after requests that ran in their own sessions)."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def orders_of(holder) -> list[Order]:
    db.session.expire_all()
    return db.session.scalars(db.select(Order).filter_by(holder_id=holder.id).order_by(Order.id)).all()


def basket_items(holder) -> list[BasketItem]:
    db.session.expire_all()
    return db.session.scalars(db.select(BasketItem).filter_by(holder_id=holder.id)).all()


def read(response) -> str:
    """What a person reads on the page: its text, without the spaces left where tags closed before punctuation."""
    return page_text(response).replace(" .", ".").replace(" ,", ",")


# --- the pages ------------------------------------------------------------------------

def add_to_basket_page(browser, holder, listing, quantity, outcome, **fields):
    """Fill in the order form for ``listing`` (once, unless ``fields`` say otherwise) and send it."""
    data = {"quantity": str(quantity), "outcome_key": outcome.key, "recurring": "once", **fields}
    if data["recurring"] == "once":
        data.setdefault("once_on", date_fields(clock.today()))
    return browser.submit(f"/orders/new?listing={listing.id}&holder={holder.id}", data)


def checkout_page(browser, holder, submission_key=None, note=""):
    """Press "Place order" on the basket page."""
    return browser.submit(f"/holders/{holder.id}/checkout", {"submission_key": submission_key or key(), "note": note},
                          form_url=f"/holders/{holder.id}/basket")
