"""Asking the council for support online: an assessment or a review, for oneself or for someone else,
in small steps saved as they go; the council's triage queue; the case timeline the person follows by a
private link; and the request becoming the holder's record when the council sets them up."""
