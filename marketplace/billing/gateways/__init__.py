"""Payment gateways behind one interface: ``get_gateway(name).pay(payment, **details)``.

``manual`` records bank transfers and standing orders (the embedded default and the route
that always works); ``stripe_card`` and ``stripe_transfer`` go through Stripe.
"""
from __future__ import annotations

from .base import GatewayResult, PaymentGateway
from .manual import ManualGateway


def get_gateway(name: str) -> PaymentGateway:
    if name in ("bacs", "standing_order", "isf_internal"):
        return ManualGateway(name)
    if name == "card":
        from .stripe.gateway import StripeCardGateway

        return StripeCardGateway()
    if name == "stripe_transfer":
        from .stripe.gateway import StripeTransferGateway

        return StripeTransferGateway()
    raise KeyError(name)


__all__ = ["GatewayResult", "PaymentGateway", "get_gateway"]
