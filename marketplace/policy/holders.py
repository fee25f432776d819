"""Rules for a holder's own account: seeing it, acting for them, their plan and budget."""
from __future__ import annotations

from ..accounts import roles as R
from .base import _CASEWORK, _delegated, _own, _staff, rule

# --- the holder's account ----------------------------------------------------

@rule("holder.view")
def _holder_view(user, holder) -> bool:
    """The holder, anyone they delegated to, and their council's case and finance staff.
    Commissioners never see individuals."""
    return (_own(user, holder) or _delegated(user, holder, "view")
            or _staff(user, holder.council_id, *_CASEWORK, R.FINANCE_OFFICER))


@rule("holder.edit_record")
def _holder_edit(user, holder) -> bool:
    return _own(user, holder) or _delegated(user, holder, "manage") or _staff(user, holder.council_id, *_CASEWORK)


@rule("holder.order")
def _holder_order(user, holder) -> bool:
    return _own(user, holder) or _delegated(user, holder, "order")


@rule("holder.approve_invoices")
def _holder_approve_invoices(user, holder) -> bool:
    return _own(user, holder) or _delegated(user, holder, "approve_invoices")


@rule("holder.manage_delegations")
def _holder_manage_delegations(user, holder) -> bool:
    """The holder gives consent themselves unless the council manages the account;
    council case staff may record consent they were given (e.g. on paper)."""
    if _staff(user, holder.council_id, *_CASEWORK):
        return True
    return _own(user, holder) and not holder.managed_by_council


@rule("delegation.revoke")
def _delegation_revoke(user, delegation) -> bool:
    """Whoever may grant may revoke; a delegate may also step down."""
    return delegation.delegate_id == user.id or _holder_manage_delegations(user, delegation.holder)


@rule("holder.write_plan")
def _holder_write_plan(user, holder) -> bool:
    """The holder, anyone with "manage", a broker they let order for them, and their council's case staff
    write plans. A broker with "view" only can read the plan but not change it."""
    if _own(user, holder) or _delegated(user, holder, "manage") or _staff(user, holder.council_id, *_CASEWORK):
        return True
    return any(d.delegate_id == user.id and d.kind == "broker" and d.allows("order") for d in holder.delegations)


@rule("holder.manage_budget")
def _holder_manage_budget(user, holder) -> bool:
    """Setting up a plan period's budget is the council's job."""
    return _staff(user, holder.council_id, *_CASEWORK, R.FINANCE_OFFICER)


@rule("holder.manage_budget_option")
def _holder_manage_budget_option(user, holder) -> bool:
    """Switching who holds the money: the holder or someone with "manage", or council staff."""
    return (_own(user, holder) or _delegated(user, holder, "manage")
            or _staff(user, holder.council_id, *_CASEWORK, R.FINANCE_OFFICER))


@rule("budget.arrange_service_fund")
def _budget_arrange_service_fund(user, holder) -> bool:
    """An individual service fund is a contract between the council and the provider holding it: the
    council's case and finance staff arrange it."""
    return _staff(user, holder.council_id, *_CASEWORK, R.FINANCE_OFFICER)


@rule("plan.decide")
def _plan_decide(user, plan) -> bool:
    """Case staff decide on plans: ask for changes, refer to the panel (and approve within the ladder)."""
    return _staff(user, plan.council_id, *_CASEWORK)


LADDER = ("care_coordinator", "team_manager", "panel")
_LADDER_ROLES = {"care_coordinator": (R.CARE_COORDINATOR, R.TEAM_MANAGER), "team_manager": (R.TEAM_MANAGER,)}


def plan_level(plan) -> str:
    """The level of the council's approval ladder (council data) that must approve this plan."""
    if plan.waiting_on:
        return plan.waiting_on
    return plan.council.approval_level_for(plan.weekly_pence, mental_health=plan.holder.mental_health)


def approves_at(user, council_id: int, level: str) -> bool:
    """Whether ``user`` approves plans at this rung of the council's ladder in person (never the panel's)."""
    return level in _LADDER_ROLES and _staff(user, council_id, *_LADDER_ROLES[level])


@rule("plan.approve")
def _plan_approve(user, plan) -> bool:
    """Approve or refuse a plan in person: a coordinator up to the first rung of the council's
    ladder, a team manager up to the second. A plan for the panel is decided by the panel."""
    if plan.status == "referred_to_panel":
        return False
    return approves_at(user, plan.council_id, plan_level(plan))


@rule("plan.record_panel_decision")
def _plan_panel(user, plan) -> bool:
    """The panel's decision is recorded by a team manager or an administrator of the council."""
    return (plan_level(plan) == "panel" or plan.status == "referred_to_panel") and _staff(
        user, plan.council_id, R.TEAM_MANAGER, R.ADMINISTRATOR)
