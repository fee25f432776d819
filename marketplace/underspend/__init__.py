"""Underspend under each council's rule: the position now, a forecast, warnings, and clawback only by decision."""
