"""Stripe: card payments as destination charges, transfers to providers' connected accounts, webhooks."""
