"""The one authorisation policy: ``can(user, action, target)``.

Every view, API endpoint and service that acts for a person asks this module. Each
action maps to one rule function; tenancy (a council's staff act only in their own
council) is checked inside the rules, so no caller has to remember it.
"""
from __future__ import annotations

from typing import Callable

from flask import abort

from .accounts import roles as R
from .accounts.models import RoleGrant, User
from .extensions import db

Rule = Callable[[object, object], bool]
_RULES: dict[str, Rule] = {}


def rule(action: str):
    def register(fn: Rule) -> Rule:
        _RULES[action] = fn
        return fn
    return register


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
        grants = db.session.scalars(db.select(RoleGrant).where(db.or_(
            RoleGrant.council_id.in_(council_ids or {-1}), RoleGrant.organisation_id.in_(organisation_ids or {-1})))).all()
        for grant in grants:
            candidates.setdefault(grant.user_id, grant.user)
    return [user for _id, user in sorted(candidates.items()) if can(user, action, target)]


# --- helpers ---------------------------------------------------------------

def _staff(user, council_id, *roles) -> bool:
    return any(g.role in roles and g.council_id == council_id for g in user.grants)


def _own(user, holder) -> bool:
    return holder.user_id is not None and holder.user_id == user.id


def _delegated(user, holder, right: str) -> bool:
    return any(d.delegate_id == user.id and d.allows(right) for d in holder.delegations)


_CASEWORK = (R.CARE_COORDINATOR, R.TEAM_MANAGER, R.ADMINISTRATOR)


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


# --- orders ----------------------------------------------------------------------

def _works_for(user, organisation_id) -> bool:
    return any(g.organisation_id == organisation_id and g.role in R.ORGANISATION_ROLES for g in user.grants)


@rule("order.view")
def _order_view(user, order) -> bool:
    """The buyer's side, the provider it is for, and the holder's council case staff."""
    return (_holder_view(user, order.holder) or _works_for(user, order.organisation_id))


@rule("order.provide")
def _order_provide(user, order) -> bool:
    return _works_for(user, order.organisation_id)


@rule("order.delivery_contact")
def _order_delivery_contact(user, order) -> bool:
    """The home address and phone of the person an order is for: only to the provider holding the order
    while it is placed or accepted (what they need to deliver it), never once it is over or refused."""
    return order.status in ("placed", "accepted") and _works_for(user, order.organisation_id)


@rule("order.confirm")
def _order_confirm(user, order) -> bool:
    """Confirming or disputing delivery: the buyer, or whoever approves invoices for the holder."""
    return _holder_order(user, order.holder) or _holder_approve_invoices(user, order.holder)


@rule("order.change_schedule")
def _order_change_schedule(user, order) -> bool:
    """Either side of an order may propose a change to its schedule, and the other side decides."""
    return _works_for(user, order.organisation_id) or _holder_order(user, order.holder)


@rule("order.approve")
def _order_approve(user, order) -> bool:
    """Orders outside the plan or above the weekly limit wait for the holder's council case staff."""
    return _staff(user, order.council_id, *_CASEWORK)


@rule("enquiry.answer")
def _enquiry_answer(user, enquiry) -> bool:
    return _works_for(user, enquiry.organisation_id)


@rule("enquiry.view")
def _enquiry_view(user, enquiry) -> bool:
    return enquiry.asked_by_id == user.id or _works_for(user, enquiry.organisation_id)


# --- invoices ----------------------------------------------------------------------

@rule("invoice.view")
def _invoice_view(user, invoice) -> bool:
    return _order_view(user, invoice.order) or _staff(user, invoice.council_id, R.FINANCE_OFFICER, R.ADMINISTRATOR)


@rule("invoice.approve")
def _invoice_approve(user, invoice) -> bool:
    """Whoever holds the money: the holder (direct payment), the budget manager or council
    finance (managed account), council finance (council-managed), the provider (its own ISF)."""
    holder = invoice.holder
    finance = _staff(user, invoice.council_id, R.FINANCE_OFFICER)
    if invoice.payer_kind == "holder":
        return _holder_approve_invoices(user, holder)
    if invoice.payer_kind == "budget_manager":
        return _delegated(user, holder, "approve_invoices") or finance
    if invoice.payer_kind == "council":
        return finance
    return invoice.budget.isf_provider_id is not None and _works_for(user, invoice.budget.isf_provider_id)


@rule("invoice.pay")
def _invoice_pay(user, invoice) -> bool:
    return _invoice_approve(user, invoice)


@rule("invoice.credit")
def _invoice_credit(user, invoice) -> bool:
    """Credit notes and answers to disputes come from the provider."""
    return _works_for(user, invoice.organisation_id)


def _council_referee(user, invoice) -> bool:
    """The council's finance officers and administrators settle a dispute the two sides cannot."""
    return _staff(user, invoice.council_id, R.FINANCE_OFFICER, R.ADMINISTRATOR)


@rule("dispute.uphold")
def _dispute_uphold(user, dispute) -> bool:
    """Upholding a dispute credits the provider's invoice: the provider agrees, or the council decides.
    The payer who raised it can never uphold it themselves."""
    return _invoice_credit(user, dispute.invoice) or _council_referee(user, dispute.invoice)


@rule("dispute.reject")
def _dispute_reject(user, dispute) -> bool:
    """Rejecting a dispute lets the invoice stand: the payer withdraws it, or the council decides.
    The provider alone can never reject it."""
    return _invoice_approve(user, dispute.invoice) or _council_referee(user, dispute.invoice)


@rule("dispute.resolve")
def _dispute_resolve(user, dispute) -> bool:
    """Recording how a dispute ended, one way or the other (see dispute.uphold and dispute.reject)."""
    return _dispute_uphold(user, dispute) or _dispute_reject(user, dispute)


def decides_as_council(user, dispute, outcome: str) -> bool:
    """Whether ``user`` records ``outcome`` as the council's referee rather than as one of the two sides
    (the council must then say why)."""
    side = _invoice_credit if outcome == "upheld" else _invoice_approve
    return not side(user, dispute.invoice) and _council_referee(user, dispute.invoice)


@rule("invoice.refund")
def _invoice_refund(user, invoice) -> bool:
    """A refund gives the provider's money back to whoever paid: the provider's people decide it."""
    return _works_for(user, invoice.organisation_id)


# --- council-wide ------------------------------------------------------------

@rule("holder.create")
def _holder_create(user, council) -> bool:
    """Holders are set up by their council, or by a broker working in that council."""
    return _staff(user, council.id, *_CASEWORK, R.BROKER)


@rule("caseload.view")
def _caseload(user, _target=None) -> bool:
    return any(g.role == R.BROKER for g in user.grants)


@rule("statements.caseload")
def _statements_caseload(user, _target=None) -> bool:
    """A broker's or representative's (a budget manager's) summary of the statements of everyone whose
    account they look after (each statement is still asked of ``holder.view``)."""
    return any(g.role in (R.BROKER, R.REPRESENTATIVE) for g in user.grants)


@rule("council.staff_area")
def _staff_area(user, council) -> bool:
    return _staff(user, council.id, *R.COUNCIL_STAFF)


@rule("council.holders")
def _council_holders(user, council) -> bool:
    """The list of a council's holders: case and finance staff, never commissioners (no identities)."""
    return _staff(user, council.id, *_CASEWORK, R.FINANCE_OFFICER)


@rule("council.reports")
def _reports(user, council) -> bool:
    return _staff(user, council.id, R.COMMISSIONER, R.ADMINISTRATOR)


@rule("council.plans")
def _council_plans(user, council) -> bool:
    """The coordinator workspace: plans waiting for a decision."""
    return _staff(user, council.id, *_CASEWORK)


@rule("council.finance")
def _finance(user, council) -> bool:
    return _staff(user, council.id, R.FINANCE_OFFICER, R.ADMINISTRATOR)


@rule("council.clawbacks")
def _clawbacks(user, council) -> bool:
    """Underspend proposals (the finance queue) and deciding them: taking money back is a decision for the
    council's finance officers, never the holder's, a coordinator's, or a job's."""
    return _staff(user, council.id, R.FINANCE_OFFICER)


@rule("council.administer")
def _administer(user, council) -> bool:
    return _staff(user, council.id, R.ADMINISTRATOR)


@rule("council.events")
def _events(user, council) -> bool:
    return _staff(user, council.id, R.ADMINISTRATOR)


# --- organisations -------------------------------------------------------------

@rule("organisation.manage")
def _org_manage(user, organisation) -> bool:
    return any(g.organisation_id == organisation.id and g.role in (R.PROVIDER_ADMIN, R.PERSONAL_ASSISTANT, R.COMMUNITY_GROUP)
               for g in user.grants)


@rule("organisation.view_private")
def _org_view_private(user, organisation) -> bool:
    """Staff of the organisation see its portal; admins of councils it applied to see its record."""
    if any(g.organisation_id == organisation.id for g in user.grants):
        return True
    return any(_staff(user, a.council_id, R.ADMINISTRATOR) for a in organisation.approvals)


@rule("organisation.decide_approval")
def _org_decide(user, approval) -> bool:
    return _staff(user, approval.council_id, R.ADMINISTRATOR)


@rule("organisation.orders")
def _org_orders(user, organisation) -> bool:
    """Everyone who works for the organisation sees and handles its orders and enquiries."""
    return _works_for(user, organisation.id)


@rule("organisation.finance")
def _org_finance(user, organisation) -> bool:
    """Its invoices, payments and remittances: everyone who works for the organisation."""
    return _works_for(user, organisation.id)


@rule("organisation.manage_listings")
def _org_manage_listings(user, organisation) -> bool:
    """Everyone who works for the organisation, staff included, may look after its listings."""
    return any(g.organisation_id == organisation.id and g.role in R.ORGANISATION_ROLES for g in user.grants)


# --- listings and the council's catalogue ------------------------------------------

@rule("listing.manage")
def _listing_manage(user, listing) -> bool:
    if listing.organisation_id is not None:
        return _org_manage_listings(user, listing.organisation)
    return listing.council_id is not None and _staff(user, listing.council_id, R.ADMINISTRATOR)


@rule("listing.view_unpublished")
def _listing_view_unpublished(user, listing) -> bool:
    """Drafts, paused and archived listings: their own organisation and the councils that moderate them."""
    if _listing_manage(user, listing):
        return True
    council_ids = {listing.council_id} if listing.council_id else set()
    if listing.organisation is not None:
        council_ids |= {a.council_id for a in listing.organisation.approvals}
    return any(_staff(user, c, R.ADMINISTRATOR) for c in council_ids)


@rule("community.moderate")
def _community_moderate(user, listing) -> bool:
    return listing.council_id is not None and _staff(user, listing.council_id, R.ADMINISTRATOR)


@rule("council.see_agreed_prices")
def _see_agreed_prices(user, council) -> bool:
    """A council's agreed (private) rates are for the people it funds and those who act for them
    or work for it: anyone with a role in that council. Providers and the public see public prices."""
    return any(g.council_id == council.id for g in user.grants)


@rule("council.agree_prices")
def _agree_prices(user, council) -> bool:
    """The commissioning team agrees rates; finance and administrators may too."""
    return _staff(user, council.id, R.COMMISSIONER, R.FINANCE_OFFICER, R.ADMINISTRATOR)


@rule("council.moderate")
def _moderate(user, council) -> bool:
    return _staff(user, council.id, R.ADMINISTRATOR)


@rule("account.own")
def _account_own(user, _target=None) -> bool:
    """A person's own settings and notifications."""
    return True


# --- spending outside the marketplace, receipts and audit ------------------------------

@rule("receipt.view")
def _receipt_view(user, purchase) -> bool:
    """A receipt is seen by whoever may see the holder's account (their council's case and finance staff too)."""
    return _holder_view(user, purchase.holder)


@rule("council.audit")
def _council_audit(user, council) -> bool:
    """Audit reports (a holder's, asked of their council) and the quarterly return: case and finance staff."""
    return _staff(user, council.id, *_CASEWORK, R.FINANCE_OFFICER)


_UNTARGETED = {"caseload.view", "account.own", "statements.caseload"}
_TARGETED = {a for a in _RULES if a not in _UNTARGETED}
