"""The interface every payment gateway implements."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class GatewayResult:
    """What a gateway says: succeeded, failed (definitely not paid), or pending (not known yet)."""

    status: str  # succeeded | failed | pending
    gateway_ref: str | None = None
    message: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"


class PaymentGateway(Protocol):
    name: str

    def pay(self, payment, **details) -> GatewayResult:
        """Move ``payment.amount_pence`` to the provider, using ``payment.idempotency_key`` for every create call."""

    def refund(self, payment, amount_pence: int, *, idempotency_key: str, reference: str | None = None) -> GatewayResult:
        """Give ``amount_pence`` of a settled payment back to whoever paid it, by the route it came."""
