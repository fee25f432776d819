"""The one authorisation policy: ``can(user, action, target)``.

Every view, API endpoint and service that acts for a person asks this module. Each
action maps to one rule function; tenancy (a council's staff act only in their own
council) is checked inside the rules, so no caller has to remember it. The rules live beside
this module, one module per area (``holders``, ``orders``, ``council``, ``ratings``), each
registering its rules with ``@rule`` from ``base``; this module asks them.
"""
from __future__ import annotations

from flask import abort
from sqlalchemy.orm import selectinload

from ..accounts import roles as R
from ..accounts.models import RoleGrant, User
from ..extensions import db
from . import asking, council, crisis, help, holders, jobs, lifeevents, needs, orders, ratings, sharing  # noqa: F401 -- each registers its rules
from .base import RULES as _RULES
from .base import rule  # noqa: F401 -- for rules registered elsewhere
from .holders import LADDER, approves_at, plan_level  # noqa: F401
from .orders import decides_as_council  # noqa: F401


def can(user, action: str, target=None) -> bool:
    """May ``user`` do ``action`` to ``target``? Unknown actions are refused, never allowed."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    check = _RULES.get(action)
    if check is None:
        raise KeyError(f"no policy rule for action {action!r}")
    return bool(check(user, target))


def require(user, action: str, target=None) -> None:
    """Abort with 403 (or 404 for a missing target) unless the policy allows."""
    if target is None and action in _TARGETED:
        abort(404)
    if not can(user, action, target):
        abort(403)


def actions() -> list[str]:
    return sorted(_RULES)


def who_may(action: str, target) -> list[User]:
    """Everyone who may do ``action`` to ``target`` now: for telling the right people.

    The candidates are everyone connected to the target (its holder and their delegates, the staff
    of its council, the people of its organisations); the rule for ``action`` decides, as it does
    for a request, so nobody is told about something they could not act on.
    """
    holder = target if getattr(target, "__tablename__", None) == "holders" else getattr(target, "holder", None)
    council_ids = {getattr(target, "council_id", None), getattr(holder, "council_id", None)} - {None}
    budget = getattr(target, "budget", None)
    organisation_ids = {getattr(target, "organisation_id", None), getattr(budget, "isf_provider_id", None)} - {None}
    candidates: dict[int, User] = {}
    if holder is not None:
        for user in [holder.user] + [d.delegate for d in holder.delegations]:
            if user is not None:
                candidates[user.id] = user
    if council_ids or organisation_ids:
        # The council's staff and brokers, not its holders: another holder is never told about this one's
        # affairs, and a county has tens of thousands (the load test saw 2,031 statements for one delivery).
        # Each grant's user and their grants come in two more queries, for the rules to read.
        grants = db.session.scalars(db.select(RoleGrant).where(db.or_(
            db.and_(RoleGrant.council_id.in_(council_ids or {-1}), RoleGrant.role.in_((*R.COUNCIL_STAFF, R.BROKER))),
            RoleGrant.organisation_id.in_(organisation_ids or {-1}))).options(
            selectinload(RoleGrant.user).selectinload(User.grants))).all()
        for grant in grants:
            candidates.setdefault(grant.user_id, grant.user)
    return [user for _id, user in sorted(candidates.items()) if can(user, action, target)]


_UNTARGETED = {"caseload.view", "account.own", "statements.caseload"}
_TARGETED = {a for a in _RULES if a not in _UNTARGETED}
