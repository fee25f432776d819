"""Stripe gateways: a card payment (destination charge) and a transfer to a connected account."""
from __future__ import annotations

from .. import GatewayResult
from . import stripe_api
from .stripe_api import StripeFailure


def _metadata(payment) -> dict:
    return {"payment_id": str(payment.id), "invoice_id": str(payment.invoice_id), "invoice": payment.invoice.reference}


class StripeCardGateway:
    """The direct-payment holder pays by card; the money goes to the provider's connected account."""

    name = "card"

    def pay(self, payment, *, payment_method: str | None = None, **_ignored) -> GatewayResult:
        if not payment_method:
            return GatewayResult("failed", message="Enter the card details.")
        invoice = payment.invoice
        try:
            intent = stripe_api.create_card_payment(
                amount_pence=payment.amount_pence, payment_method=payment_method, idempotency_key=payment.idempotency_key,
                destination=invoice.organisation.stripe_account_id, metadata=_metadata(payment),
                description=f"{invoice.reference} from {invoice.organisation.name}")
        except StripeFailure as failure:
            return GatewayResult("failed" if failure.declined else "pending", message=failure.message)
        if intent.status == "succeeded":
            return GatewayResult("succeeded", gateway_ref=intent.id)
        if intent.status in ("processing", "requires_action"):
            return GatewayResult("pending", gateway_ref=intent.id, message="The bank is still checking this payment.")
        return GatewayResult("failed", gateway_ref=intent.id, message="The card payment did not go through.")

    def refund(self, payment, amount_pence: int, *, idempotency_key: str, reference: str | None = None) -> GatewayResult:
        """Back to the card it came from."""
        if not payment.gateway_ref:
            return GatewayResult("failed", message="This card payment has no Stripe record to refund.")
        try:
            refund = stripe_api.create_refund(payment_intent=payment.gateway_ref, amount_pence=amount_pence,
                                              idempotency_key=idempotency_key)
        except StripeFailure as failure:
            return GatewayResult("failed", message=failure.message)
        return GatewayResult("succeeded", gateway_ref=refund.id)


class StripeTransferGateway:
    """Money held by a budget manager or the council, moved to the provider's connected account."""

    name = "stripe_transfer"

    def pay(self, payment, **_ignored) -> GatewayResult:
        invoice = payment.invoice
        destination = invoice.organisation.stripe_account_id
        if not destination:
            return GatewayResult("failed", message=f"{invoice.organisation.name} has not connected a Stripe account. Pay by bank transfer.")
        try:
            transfer = stripe_api.create_transfer(amount_pence=payment.amount_pence, destination=destination,
                                                  idempotency_key=payment.idempotency_key, metadata=_metadata(payment),
                                                  transfer_group=invoice.reference)
        except StripeFailure as failure:
            return GatewayResult("failed" if failure.declined else "pending", message=failure.message)
        return GatewayResult("succeeded", gateway_ref=transfer.id)

    def refund(self, payment, amount_pence: int, *, idempotency_key: str, reference: str | None = None) -> GatewayResult:
        """A transfer is given back by reversing it from the provider's connected account."""
        if not payment.gateway_ref:
            return GatewayResult("failed", message="This transfer has no Stripe record to reverse.")
        try:
            reversal = stripe_api.reverse_transfer(transfer=payment.gateway_ref, amount_pence=amount_pence,
                                                   idempotency_key=idempotency_key)
        except StripeFailure as failure:
            return GatewayResult("failed", message=failure.message)
        return GatewayResult("succeeded", gateway_ref=reversal.id)
