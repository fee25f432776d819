"""Budgets: plan periods, amounts and (later) the ledger."""
