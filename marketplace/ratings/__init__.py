"""Buyers' ratings: only a holder (or their representative) with confirmed delivery rates; providers answer."""
