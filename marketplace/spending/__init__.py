"""Spending outside the marketplace, its receipts, and audit as a report."""
