"""Pinned Stripe settings."""
# The API version the code was written against; requests send it so Stripe's answers keep their shape.
API_VERSION = "2025-09-30.clover"
CURRENCY = "gbp"
