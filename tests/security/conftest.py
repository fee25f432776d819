"""The billing tests' small market (a holder with a funded plan and a provider), on the same frozen clock."""
from ..billing.conftest import frozen_clock, market, signed_in, stripe_stub, webhook_secret  # noqa: F401
