"""Rules for a holder's crisis plan: who agrees its actions, who reads it, who starts an action.

The actions were approved with the plan, so starting one asks nobody again: the holder, their
representative with the right to order (or "manage"), or a broker they let order for them, may press
it. Council case staff read the plan; the care coordinator or team manager agrees the actions.
"""
from __future__ import annotations

from ..accounts import roles as R
from .base import _CASEWORK, _delegated, _own, _staff, rule


@rule("crisis.agree")
def _crisis_agree(user, holder) -> bool:
    """The people who approve plans in the holder's council (never an administrator alone)."""
    return _staff(user, holder.council_id, R.CARE_COORDINATOR, R.TEAM_MANAGER)


@rule("crisis.view")
def _crisis_view(user, holder) -> bool:
    return _own(user, holder) or _delegated(user, holder, "view") or _staff(user, holder.council_id, *_CASEWORK)


@rule("crisis.start")
def _crisis_start(user, holder) -> bool:
    """A representative or a broker only with the right to order (``manage`` carries it)."""
    return _own(user, holder) or _delegated(user, holder, "order")
