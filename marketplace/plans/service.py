"""Support plan rules: writing versions, submitting, and the council's decision within its limits.

Plans change status only through ``PLAN`` (plans/models.py), which writes an event row each time.
Who may approve at which rung of the council's ladder is the policy's question.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy.orm import joinedload

from .. import clock, mail, taxonomy
from ..accounts import roles as R
from ..accounts.models import RoleGrant
from ..errors import DomainError, NotAllowed
from ..events import service as events
from ..events.models import Event
from ..extensions import db
from ..money import format_pence
from ..policy import approves_at, can, plan_level
from .models import LEVEL_LABELS, PLAN, WAITING, WRITERS, PlanOutcome, SupportPlan

DECISIONS = ("approved", "changes_requested", "refused", "referred_to_panel")
# How long each level usually takes, shown to the holder as "expected by".
DECISION_DAYS = {"care_coordinator": 10, "team_manager": 14, "panel": 28}


def approved_plan(budget) -> SupportPlan | None:
    return db.session.scalar(db.select(SupportPlan).filter_by(budget_id=budget.id, status="approved")
                             .order_by(SupportPlan.version.desc()))


def latest_plan(holder) -> SupportPlan | None:
    return db.session.scalar(db.select(SupportPlan).filter_by(holder_id=holder.id).order_by(SupportPlan.version.desc()))


def plans_of(holder) -> list[SupportPlan]:
    return db.session.scalars(db.select(SupportPlan).filter_by(holder_id=holder.id).order_by(SupportPlan.version.desc())).all()


def new_version(actor, holder, budget) -> SupportPlan:
    """Start a draft: a copy of the current approved plan (same outcome keys), or a blank one."""
    if not can(actor, "holder.write_plan", holder):
        raise NotAllowed("You cannot write this person's plan.")
    open_plan = next((p for p in plans_of(holder) if p.is_open), None)
    if open_plan is not None:
        raise DomainError(f"Version {open_plan.version} of the plan is still {open_plan.status_label.lower()}. Finish that one first.")
    latest = latest_plan(holder)
    base = approved_plan(budget)
    plan = SupportPlan(holder_id=holder.id, budget_id=budget.id, council_id=holder.council_id,
                       version=(latest.version + 1) if latest else 1, created_by_id=actor.id,
                       about_me=(base.about_me if base else holder.about_me), supersedes_id=base.id if base else None,
                       crisis_plan=base.crisis_plan if base else None, contingency_plan=base.contingency_plan if base else None,
                       risks=list(base.risks) if base else [], written_with=list(base.written_with) if base else [])
    if base is not None:
        for outcome in base.outcomes:
            plan.outcomes.append(PlanOutcome(key=outcome.key, position=outcome.position, codes=list(outcome.codes),
                                             own_words=outcome.own_words, amount_pence=outcome.amount_pence,
                                             how_met=outcome.how_met, categories=list(outcome.categories)))
    db.session.add(plan)
    PLAN.start(plan, "draft", actor=actor, version=plan.version)
    db.session.commit()
    return plan


def _require_editable(actor, plan: SupportPlan) -> None:
    if not can(actor, "holder.write_plan", plan.holder):
        raise NotAllowed("You cannot change this plan.")
    if not plan.is_editable:
        raise DomainError("This version of the plan can no longer be changed. Start a new version instead.")


def update_plan(actor, plan: SupportPlan, *, about_me=None, crisis_plan=None, contingency_plan=None, risks=None,
                written_with=None) -> SupportPlan:
    _require_editable(actor, plan)
    if written_with is not None:
        unknown = set(written_with) - set(WRITERS)
        if unknown:
            raise DomainError("Choose who helped from the list.")
        plan.written_with = list(written_with)
    for name, value in (("about_me", about_me), ("crisis_plan", crisis_plan), ("contingency_plan", contingency_plan)):
        if value is not None:
            setattr(plan, name, value.strip() or None)
    if risks is not None:
        plan.risks = [{"risk": r["risk"].strip(), "management": (r.get("management") or "").strip()} for r in risks if r.get("risk", "").strip()]
    events.record("plan.edited", actor=actor, holder=plan.holder, obj=plan)
    db.session.commit()
    return plan


def add_outcome(actor, plan: SupportPlan, *, own_words: str, codes: list[str], amount_pence: int, how_met: str | None = None,
                categories: list[str] | None = None) -> PlanOutcome:
    _require_editable(actor, plan)
    if not (own_words or "").strip():
        raise DomainError("Describe the outcome in the person's own words.")
    if not codes or any(c not in taxonomy.outcomes() for c in codes):
        raise DomainError("Choose at least one of the outcomes from the list.")
    if amount_pence is None or amount_pence < 0:
        raise DomainError("Enter the money set aside for this outcome.")
    if categories and any(c not in taxonomy.categories() for c in categories):
        raise DomainError("Choose kinds of support from the list.")
    outcome = PlanOutcome(key=secrets.token_hex(6), position=len(plan.outcomes), codes=list(codes), own_words=own_words.strip(),
                          amount_pence=amount_pence, how_met=(how_met or "").strip() or None, categories=list(categories or []))
    plan.outcomes.append(outcome)
    events.record("plan.outcome_added", actor=actor, holder=plan.holder, obj=plan, amount_pence=amount_pence)
    db.session.commit()
    return outcome


def remove_outcome(actor, outcome: PlanOutcome) -> None:
    plan = outcome.plan
    _require_editable(actor, plan)
    plan.outcomes.remove(outcome)
    events.record("plan.outcome_removed", actor=actor, holder=plan.holder, obj=plan)
    db.session.commit()


def required_level(plan: SupportPlan) -> str:
    """Who must decide, by the council's approval ladder (council data) and the plan's weekly cost."""
    return plan.council.approval_level_for(plan.weekly_pence, mental_health=plan.holder.mental_health)


def _move(actor, plan: SupportPlan, to: str, reason: str | None = None, **detail) -> None:
    PLAN.move(plan, to, actor=actor, reason=reason, version=plan.version, **detail)


def submit(actor, plan: SupportPlan) -> SupportPlan:
    """Send the plan for a decision. It goes straight to the level the council's rules need."""
    _require_editable(actor, plan)
    problems = []
    if not plan.outcomes:
        problems.append("add at least one outcome")
    if not plan.crisis_plan:
        problems.append("say what should happen in a crisis")
    if plan.budget.indicative_budget_pence and plan.total_pence > plan.budget.indicative_budget_pence * 2:
        problems.append("check the amounts: they are more than twice the indicative budget")
    if problems:
        raise DomainError("Before sending the plan, " + ", ".join(problems) + ".")
    level = required_level(plan)
    _move(actor, plan, "submitted", waiting_on=level)
    plan.waiting_on = level
    plan.submitted_at = clock.now()
    plan.expected_by = clock.today() + timedelta(days=DECISION_DAYS[level])
    plan.decision_reason = None
    _notify_staff(plan)
    db.session.commit()
    return plan


def decide(actor, plan: SupportPlan, decision: str, reason: str | None = None, *, as_panel: bool = False) -> SupportPlan:
    """Approve, ask for changes, refuse or refer to the risk enablement panel.

    Approving or refusing needs authority at the plan's rung of the council's ladder (the policy's
    ``plan.approve``), or is the panel's decision recorded by someone allowed to
    (``plan.record_panel_decision``). Every decision other than approval needs a reason the holder
    can read. Raises NotAllowed, DomainError or InvalidTransition.
    """
    if not can(actor, "plan.decide", plan):
        raise NotAllowed("You cannot decide on plans in this council.")
    if decision not in DECISIONS:
        raise DomainError("Choose a decision.")
    reason = (reason or "").strip() or None
    if decision != "approved" and not reason:
        raise DomainError("Give a reason the person can read.")
    if decision in ("approved", "refused"):
        _require_authority(actor, plan, as_panel)
    if decision == "referred_to_panel":
        _move(actor, plan, "referred_to_panel", reason)
        plan.waiting_on = "panel"
        plan.expected_by = clock.today() + timedelta(days=DECISION_DAYS["panel"])
        plan.decision_reason = reason
        _notify_holder(plan)
        db.session.commit()
        return plan
    _move(actor, plan, decision, reason, as_panel=as_panel or None)
    plan.decided_at = clock.now()
    plan.decided_by_id = actor.id
    plan.decision_reason = reason
    if as_panel:
        plan.panel_outcome = reason or "Approved by the panel"
    plan.waiting_on = None
    plan.expected_by = None
    if decision == "approved":
        _supersede_earlier(actor, plan)
        plan.budget.approved_annual_budget_pence = plan.total_pence
    _notify_holder(plan)
    db.session.commit()
    return plan


def _require_authority(actor, plan: SupportPlan, as_panel: bool) -> None:
    """Refuse, with the reason in plain words, anyone the ladder does not let decide this plan."""
    needed = plan_level(plan)
    if needed == "panel" or plan.status == "referred_to_panel":
        if not as_panel:
            raise NotAllowed("This plan needs a panel decision. Record the panel's decision instead.")
        if not can(actor, "plan.record_panel_decision", plan):
            raise NotAllowed("A team manager or administrator records the panel's decision.")
        return
    if can(actor, "plan.approve", plan):
        return
    if approves_at(actor, plan.council_id, "care_coordinator"):
        raise NotAllowed(f"This plan costs {format_pence(plan.weekly_pence)} a week, which is above your approval limit. "
                         f"It is waiting for {LEVEL_LABELS[needed]}.")
    # An administrator may ask for changes or refer to the panel, and records the panel's
    # decisions, but has no approval limit of their own.
    raise NotAllowed(f"Plans are approved or refused by a care coordinator or team manager. "
                     f"This one is waiting for {LEVEL_LABELS[needed]}.")


def _supersede_earlier(actor, plan: SupportPlan) -> None:
    for earlier in db.session.scalars(db.select(SupportPlan).where(
            SupportPlan.holder_id == plan.holder_id, SupportPlan.status == "approved", SupportPlan.id != plan.id)):
        _move(actor, earlier, "superseded", f"Replaced by version {plan.version}")


def waiting_for_decision(council) -> list[SupportPlan]:
    return db.session.scalars(db.select(SupportPlan).where(
        SupportPlan.council_id == council.id, SupportPlan.status.in_(WAITING))
        .order_by(SupportPlan.submitted_at)).all()


def _notify_holder(plan: SupportPlan) -> None:
    holder = plan.holder
    recipients = [holder.user.email] if holder.user and holder.preferred_contact == "email" else []
    recipients += [d.delegate.email for d in holder.active_delegations() if d.allows("view")]
    for email in dict.fromkeys(recipients):
        mail.send(email, f"Support plan: {plan.status_label.lower()}",
                  f"Version {plan.version} of {holder.name}'s support plan is now: {plan.status_label.lower()}."
                  + (f"\n\nThe reason given: {plan.decision_reason}" if plan.decision_reason else "")
                  + "\n\nSign in to Support Market to see the details and what happens next.")


def _notify_staff(plan: SupportPlan) -> None:
    role = {"care_coordinator": R.CARE_COORDINATOR, "team_manager": R.TEAM_MANAGER, "panel": R.TEAM_MANAGER}[plan.waiting_on]
    named = plan.holder.named_contact
    recipients = [named.email] if named is not None and plan.waiting_on == "care_coordinator" else [
        g.user.email for g in db.session.scalars(db.select(RoleGrant).filter_by(council_id=plan.council_id, role=role))]
    for email in dict.fromkeys(recipients):
        mail.send(email, f"A support plan is waiting for you: {plan.holder.name}",
                  f"Version {plan.version} of {plan.holder.name}'s plan ({format_pence(plan.weekly_pence)} a week) is waiting "
                  f"for a decision by {plan.expected_by:%d %B %Y}.")


# --- the timeline the holder sees ---------------------------------------------------

def timeline(holder) -> tuple[list[dict], dict | None]:
    """Every stage of the person's case, oldest first: when, what, who did it; then what it waits on now."""
    rows = db.session.scalars(db.select(Event).where(
        Event.holder_id == holder.id, Event.object_type.in_(("support_plans", "budget_periods", "plan_review_requests")))
        .options(joinedload(Event.actor)).order_by(Event.occurred_at, Event.id)).all()  # each step names who: one query
    labels = {
        "plan.draft": "Plan version {v} started", "plan.submitted": "Plan version {v} sent for a decision",
        "plan.approved": "Plan version {v} approved", "plan.changes_requested": "Changes asked for in plan version {v}",
        "plan.refused": "Plan version {v} not approved", "plan.referred_to_panel": "Plan version {v} sent to the risk enablement panel",
        "plan.superseded": "Plan version {v} replaced", "budget.created": "Budget set up",
        "budget.deployment_switched": "Changed who holds the money",
        "plan_review.waiting": "Review of the plan asked for", "plan_review.answered": "Request for a review answered",
        "budget.clawback": "Unspent money returned to the council, by a finance officer's decision",
        "budget.payment_held_back": "Part of the next payment held back, by a finance officer's decision",
    }
    steps = []
    for event in rows:
        if event.action not in labels:
            continue
        steps.append({"when": event.occurred_at, "what": labels[event.action].format(v=event.detail.get("version", "")),
                      "who": event.actor.name if event.actor else "The council", "reason": event.detail.get("reason")})
    current = latest_plan(holder)
    waiting = None
    if current is not None and current.is_waiting:
        waiting = {"on": LEVEL_LABELS.get(current.waiting_on, "the council"), "since": current.submitted_at,
                   "expected_by": current.expected_by}
    elif current is not None and current.is_editable:
        waiting = {"on": f"{holder.name} (or whoever is helping with the plan) to finish and send it", "since": None, "expected_by": None}
    return steps, waiting
