"""Councils are tenants: each has its own rules, stored as data."""
