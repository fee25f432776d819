"""The policy's registry and the helpers its rules share (who works where, who acts for whom)."""
from __future__ import annotations

from typing import Callable

from ..accounts import roles as R

Rule = Callable[[object, object], bool]
RULES: dict[str, Rule] = {}


def rule(action: str):
    def register(fn: Rule) -> Rule:
        RULES[action] = fn
        return fn
    return register


def _staff(user, council_id, *roles) -> bool:
    return any(g.role in roles and g.council_id == council_id for g in user.grants)


def _own(user, holder) -> bool:
    return holder.user_id is not None and holder.user_id == user.id


def _delegated(user, holder, right: str) -> bool:
    return any(d.delegate_id == user.id and d.allows(right) for d in holder.delegations)


_CASEWORK = (R.CARE_COORDINATOR, R.TEAM_MANAGER, R.ADMINISTRATOR)



def _works_for(user, organisation_id) -> bool:
    return any(g.organisation_id == organisation_id and g.role in R.ORGANISATION_ROLES for g in user.grants)
