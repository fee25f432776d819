"""(filled in by the report it names; see marketplace/reports/spend.py for the pattern)."""
