"""Who is told about an order, and the link they are sent. Who may act is the policy's answer
(``who_may``), so nobody is told about an order they could not act on."""
from __future__ import annotations

from flask import url_for

from ..accounts import roles as R
from ..accounts.models import RoleGrant
from ..extensions import db
from ..money import format_pence
from ..notifications.service import notify_all
from ..policy import who_may
from .models import Order


def order_link(order: Order) -> str:
    """The order's path inside the product (never a full URL, even outside a request: notify() adds the host)."""
    try:
        return url_for("orders.show", order_id=order.id, _external=False)
    except RuntimeError:
        return f"/orders/{order.id}"


def buyers(order: Order) -> list:
    """The holder and everyone who orders or approves invoices for them."""
    return who_may("order.confirm", order)


def provider_people(order: Order) -> list:
    """Everyone who works for the provider the order is with."""
    return who_may("order.provide", order)


def coordinators(order: Order) -> list:
    """The holder's named contact at the council, else every care coordinator there."""
    named = order.holder.named_contact
    if named is not None:
        return [named]
    return [g.user for g in db.session.scalars(db.select(RoleGrant).filter_by(council_id=order.council_id, role=R.CARE_COORDINATOR))]


def tell_buyers(order: Order, title: str, body: str) -> None:
    notify_all(buyers(order), title, body, order_link(order))


def tell_provider(order: Order, title: str, body: str) -> None:
    notify_all(provider_people(order), title, body, order_link(order))


def announce(order: Order) -> None:
    """A new order goes to the coordinator when it needs a check, else to the provider."""
    if order.waiting_for_coordinator:
        notify_all(coordinators(order), f"An order needs your approval: {order.holder.name}",
                   f"{order.who_text}: {format_pence(order.committed_pence)} with {order.organisation.name}. "
                   + " ".join(order.approval_reasons), order_link(order))
    else:
        tell_provider(order, f"New order from {order.holder.name}",
                      f"{order.who_text}: {format_pence(order.committed_pence)}. Please accept or decline it.")
