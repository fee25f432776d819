"""Support plans, in versions, and their approval by the council."""
