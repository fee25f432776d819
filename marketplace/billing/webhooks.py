"""Stripe webhooks: verify the signature first (400 if it fails), ignore events already
handled (by event id), dispatch by type, answer 200 to types we do not use, and cope
with events arriving out of order (a late "failed" never undoes a "succeeded")."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, request
from sqlalchemy.exc import IntegrityError

from ..errors import error_response
from ..extensions import csrf, db
from .gateways.stripe.stripe_api import construct_event
from .models import Payment, StripeEvent
from .payments import fail_from_gateway, settle_from_gateway

log = logging.getLogger(__name__)
bp = Blueprint("stripe_webhooks", __name__)


def _payment_for(obj) -> Payment | None:
    payment = db.session.scalar(db.select(Payment).filter_by(gateway_ref=obj.get("id")))
    if payment is None:
        payment_id = (obj.get("metadata") or {}).get("payment_id")
        if payment_id and str(payment_id).isdigit():
            payment = db.session.get(Payment, int(payment_id))
    return payment


# Which of our payment methods each kind of Stripe object settles.
METHOD_OF = {"payment_intent": "card", "transfer": "stripe_transfer"}


def _mismatch(payment: Payment, obj: dict) -> str | None:
    """Why the event cannot be about this payment, or None: a signed event still only settles the
    payment it names if its amount, currency and kind (card or transfer) are the payment's own."""
    if METHOD_OF.get(obj.get("object")) != payment.method:
        return f"a {obj.get('object')} cannot settle a {payment.method} payment"
    if obj.get("amount") != payment.amount_pence:
        return f"amount {obj.get('amount')!r} is not the payment's {payment.amount_pence}"
    if str(obj.get("currency", "")).lower() != "gbp":
        return f"currency {obj.get('currency')!r} is not gbp"
    if payment.gateway_ref and obj.get("id") != payment.gateway_ref:
        return "it names another Stripe object than the payment's"
    return None


def _succeeded(obj) -> str:
    payment = _payment_for(obj)
    if payment is None:
        return "unknown payment"
    problem = _mismatch(payment, obj)
    if problem:
        log.warning("stripe webhook does not match payment %s: %s", payment.id, problem)
        return f"ignored: {problem}"
    return "settled" if settle_from_gateway(payment, obj.get("id")) else "already settled"


def _failed(obj) -> str:
    payment = _payment_for(obj)
    if payment is None:
        return "unknown payment"
    error = obj.get("last_payment_error") or {}
    if not fail_from_gateway(payment, error.get("message"), obj.get("id")):
        return f"ignored: payment already {payment.status}"
    return "marked failed"


HANDLERS = {
    "payment_intent.succeeded": _succeeded,
    "payment_intent.payment_failed": _failed,
    "transfer.created": _succeeded,
}


@bp.post("/stripe/webhook")
@csrf.exempt
def receive():
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        return error_response(400, "Webhooks are not configured.")
    payload = request.get_data()
    try:
        event = construct_event(payload, request.headers.get("Stripe-Signature"), secret)
    except Exception:  # a bad signature or a body that is not an event: nothing is changed
        log.warning("stripe webhook refused: bad signature")
        return error_response(400, "Invalid signature.")
    try:
        kind, event_id, obj = str(event["type"]), str(event["id"]), event["data"]["object"].to_dict()
    except (KeyError, TypeError, AttributeError):  # signed, but not shaped like an event
        log.warning("stripe webhook refused: no event data")
        return error_response(400, "The event has no data.")
    handler = HANDLERS.get(kind)
    try:
        with db.session.begin_nested():
            db.session.add(StripeEvent(event_id=event_id[:100], type=kind[:100]))
    except IntegrityError:
        db.session.rollback()
        return {"received": True, "result": "duplicate"}, 200
    # A plain dict for the handlers: the stripe library's objects are not dicts (``.get`` raises on them).
    result = handler(obj) if handler else "ignored type"
    db.session.commit()
    log.info("stripe webhook %s %s: %s", kind, event_id, result)
    return {"received": True, "result": result}, 200
