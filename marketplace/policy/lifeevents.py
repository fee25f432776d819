"""Life events (a stay in hospital, a move, a death) are recorded by the holder's council's casework
staff who know the person: a care coordinator or a team manager. Finance officers read them, because
money comes back to the council. The holder and their delegates see the entries on the timeline, not
the staff page; administrators and commissioners never see them."""
from __future__ import annotations

from ..accounts import roles as R
from .base import _staff, rule


@rule("lifeevents.record")
def _lifeevents_record(user, holder) -> bool:
    return _staff(user, holder.council_id, R.CARE_COORDINATOR, R.TEAM_MANAGER)


@rule("lifeevents.view")
def _lifeevents_view(user, holder) -> bool:
    return _staff(user, holder.council_id, R.CARE_COORDINATOR, R.TEAM_MANAGER, R.FINANCE_OFFICER)
