"""The event log: who did what, for whom, to which object, when."""
