"""A crisis plan's pre-agreed actions, started in one step (issue 17)."""
