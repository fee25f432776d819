"""Providers and their onboarding: organisations registering, and councils approving them."""
