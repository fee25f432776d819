"""The only module that touches the Stripe SDK: one small function per remote call.

Each returns the Stripe object or raises StripeFailure with a message a person can act
on. Every create call carries an idempotency key. Amounts arrive in pence (Stripe's
minor unit for GBP), so nothing is converted here.
"""
from __future__ import annotations

import logging

import stripe
from flask import current_app

from .consts import API_VERSION, CURRENCY

log = logging.getLogger(__name__)


class StripeFailure(Exception):
    """``declined`` is True when the card was refused (a definite failure), False when Stripe could not be reached."""

    def __init__(self, message: str, *, declined: bool = False, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.declined = declined
        self.code = code


def configured() -> bool:
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def client() -> stripe.StripeClient:
    cfg = current_app.config
    if not cfg.get("STRIPE_SECRET_KEY"):
        raise StripeFailure("Card payments are not set up. Pay by bank transfer instead.")
    base = {"api": cfg["STRIPE_API_BASE"]} if cfg.get("STRIPE_API_BASE") else None
    return stripe.StripeClient(cfg["STRIPE_SECRET_KEY"], base_addresses=base, max_network_retries=0,
                               stripe_version=API_VERSION)


def _call(what: str, fn, **extra):
    try:
        return fn()
    except stripe.CardError as error:
        log.info("stripe %s declined", what, extra={"code": error.code, **extra})
        raise StripeFailure(error.user_message or "The card was declined.", declined=True, code=error.code) from None
    except (stripe.APIConnectionError, stripe.RateLimitError) as error:
        log.warning("stripe %s unreachable: %s", what, error, extra=extra)
        raise StripeFailure("We could not reach the card payment service. Nothing has been taken. Try again later, "
                            "or pay by bank transfer.") from None
    except stripe.StripeError as error:
        log.warning("stripe %s failed: %s", what, error, extra=extra)
        raise StripeFailure(getattr(error, "user_message", None) or "The card payment service refused this payment.") from None


def create_card_payment(*, amount_pence: int, payment_method: str, idempotency_key: str, destination: str | None,
                        metadata: dict, description: str):
    """A PaymentIntent confirmed at once; with ``destination`` it is a destination charge to the provider.

    The description travels in the metadata: localstripe, the fake Stripe the tests run against,
    refuses a PaymentIntent's ``description`` parameter, and the metadata shows on the dashboard too."""
    params = {"amount": amount_pence, "currency": CURRENCY, "payment_method": payment_method, "confirm": True,
              "payment_method_types": ["card"], "metadata": {**metadata, "description": description}}
    if destination:
        params["transfer_data"] = {"destination": destination}
        params["on_behalf_of"] = destination
    return _call("payment_intent.create", lambda: client().v1.payment_intents.create(
        params=params, options={"idempotency_key": idempotency_key}), idempotency_key=idempotency_key)


def create_transfer(*, amount_pence: int, destination: str, idempotency_key: str, metadata: dict, transfer_group: str):
    """Money held by a budget manager or the council goes to the provider's connected account."""
    return _call("transfer.create", lambda: client().v1.transfers.create(
        params={"amount": amount_pence, "currency": CURRENCY, "destination": destination, "metadata": metadata,
                "transfer_group": transfer_group},
        options={"idempotency_key": idempotency_key}), idempotency_key=idempotency_key)


def create_refund(*, payment_intent: str, amount_pence: int, idempotency_key: str):
    return _call("refund.create", lambda: client().v1.refunds.create(
        params={"payment_intent": payment_intent, "amount": amount_pence}, options={"idempotency_key": idempotency_key}),
        idempotency_key=idempotency_key)


def reverse_transfer(*, transfer: str, amount_pence: int, idempotency_key: str):
    """Take (part of) a transfer back from the provider's connected account."""
    return _call("transfer_reversal.create", lambda: client().v1.transfers.reversals.create(
        transfer, params={"amount": amount_pence}, options={"idempotency_key": idempotency_key}),
        idempotency_key=idempotency_key)


def create_connected_account(*, email: str, idempotency_key: str):
    return _call("account.create", lambda: client().v1.accounts.create(
        params={"type": "express", "country": "GB", "email": email,
                "capabilities": {"transfers": {"requested": True}, "card_payments": {"requested": True}}},
        options={"idempotency_key": idempotency_key}))


def create_account_link(*, account: str, refresh_url: str, return_url: str):
    return _call("account_link.create", lambda: client().v1.account_links.create(
        params={"account": account, "refresh_url": refresh_url, "return_url": return_url, "type": "account_onboarding"}))


def construct_event(payload: bytes, signature: str | None, secret: str):
    """Verify a webhook's signature; raises ValueError or stripe.SignatureVerificationError."""
    return stripe.Webhook.construct_event(payload, signature, secret)
