"""Crisis plan rules: agreeing actions with the plan, starting one in a single step, ending and stopping.

Decisions:
- Starting asks nobody again: the action was approved with the plan. The one check is the policy's
  ``crisis.start`` (the holder, or someone they let order for them).
- One press, once: the confirmation page carries a one-time key; the same key sent twice finds the run
  already made, and an action already running is never started a second time. The budget's row lock
  is taken first, so two presses at the same moment are served one after the other.
- Switching to a managed account goes through ``budgets.service.switch_deployment``. It changes how the
  money is held at once (the date is only recorded), so it cannot be told to switch back later: the run
  keeps its end date and ``flask crisis end-due`` (run daily), or anyone opening the crisis page after
  the date, switches back. The switch is recorded on the authority of whoever may change how the money
  is held: the person pressing when they may, else the coordinator who agreed the action (they agreed
  it in advance), so a representative who may only order can still start it.
- Every start and stop is an event on the holder's timeline (the run's state machine) and tells the
  care coordinator (the holder's named contact, else every care coordinator of the council), and the
  holder when someone else pressed.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from .. import clock
from ..accounts import roles as R
from ..accounts.models import RoleGrant, User
from ..budgets import ledger
from ..budgets import service as budgets
from ..budgets.models import DEPLOYMENT_OPTIONS
from ..errors import DomainError, NotAllowed
from ..events import service as events
from ..extensions import db
from ..money import MOST_PENCE, format_pence
from ..notifications.service import notify_all
from ..orders.models import OrderLine
from ..plans.service import approved_plan
from ..policy import can
from . import extra_hours
from .models import CRISIS_RUN, KINDS, MESSAGE_MAX, MOST_WEEKS, CrisisAction, CrisisPlan, CrisisRun

MANAGER_MAX = 200
MOST_EXTRA_CENTI = 4000  # at most 40 extra (hours, sessions...) a week


# --- reading ---------------------------------------------------------------------------

def current_plan(holder):
    """The holder's approved plan for the budget in force today, or None."""
    budget = budgets.current_budget(holder)
    return approved_plan(budget) if budget is not None else None


def crisis_plan(plan) -> CrisisPlan | None:
    return db.session.scalar(db.select(CrisisPlan).filter_by(plan_id=plan.id)) if plan is not None else None


def contingency_pence(plan) -> int:
    found = crisis_plan(plan)
    return found.contingency_pence if found else 0


def actions_for(plan) -> list[CrisisAction]:
    if plan is None:
        return []
    return db.session.scalars(db.select(CrisisAction).filter_by(plan_id=plan.id, removed_at=None)
                              .order_by(CrisisAction.position, CrisisAction.id)).all()


def runs_for(holder) -> list[CrisisRun]:
    return db.session.scalars(db.select(CrisisRun).filter_by(holder_id=holder.id).order_by(CrisisRun.id.desc())).all()


def contingency_left(plan) -> int:
    runs = db.session.scalars(db.select(CrisisRun).join(CrisisAction).where(CrisisAction.plan_id == plan.id)).all()
    return max(contingency_pence(plan) - extra_hours.used_pence(runs), 0)


def tell_candidates(holder) -> list[User]:
    """Whom an action may tell: the care coordinator(s) and everyone the holder delegated to now."""
    people = {u.id: u for u in coordinators(holder)}
    for delegation in holder.delegations:
        if delegation.is_active() and delegation.delegate is not None:
            people.setdefault(delegation.delegate_id, delegation.delegate)
    return list(people.values())


def coordinators(holder) -> list[User]:
    """The holder's named contact at the council, else every care coordinator there."""
    if holder.named_contact is not None:
        return [holder.named_contact]
    return [g.user for g in db.session.scalars(db.select(RoleGrant).filter_by(council_id=holder.council_id,
                                                                               role=R.CARE_COORDINATOR).order_by(RoleGrant.id))]


def describe(action: CrisisAction) -> list[str]:
    """What starting the action will do, in plain words, for the confirmation page ("This will: ...")."""
    p = action.parameters or {}
    if action.kind == "switch_to_managed":
        budget = action.plan.budget
        if budget.deployment_option == "managed_account":
            return [f"Keep your money in the managed account ({budget.deployment_label}) for {_weeks(p['weeks'])}.",
                    "Tell your care coordinator."]
        back = DEPLOYMENT_OPTIONS.get(budget.deployment_option, budget.deployment_option).lower()
        until = clock.today() + timedelta(weeks=p["weeks"])
        return [f"Move your money to a managed account with {p['manager']} from today, so they pay for your support.",
                f"Move it back to {back} on {until:%-d %B %Y}, after {_weeks(p['weeks'])}. You can stop it earlier.",
                "Tell your care coordinator."]
    if action.kind == "extra_hours":
        line = db.session.get(OrderLine, p.get("line_id") or 0)
        if line is None:
            return ["Add extra support (the order it was agreed for is no longer there: ring your care coordinator)."]
        per = extra_hours.per_date_pence(line, p["quantity_centi"])
        return [f"Add {extra_hours.amount_words(p['quantity_centi'], line.unit)} a week of “{line.title}” with "
                f"{line.order.organisation.name}, for up to {_weeks(p['weeks'])} from tomorrow.",
                f"Pay up to {format_pence(per * p['weeks'])} from the contingency agreed with your plan "
                f"({format_pence(contingency_left(action.plan))} left). The money is set aside today.",
                f"Tell {line.order.organisation.name} and your care coordinator."]
    names = _names(p.get("user_ids", []))
    return [f"Send this message to {names}: “{p.get('message', '')}”", "Tell your care coordinator."]


def summary(action: CrisisAction) -> str:
    """One line for the list of agreed actions."""
    p = action.parameters or {}
    if action.kind == "switch_to_managed":
        return f"Switch to a managed account with {p['manager']} for {_weeks(p['weeks'])}, then back."
    if action.kind == "extra_hours":
        line = db.session.get(OrderLine, p.get("line_id") or 0)
        what = f"“{line.title}” with {line.order.organisation.name}" if line else "an order that has ended"
        unit = line.unit if line else "hour"
        return f"{extra_hours.amount_words(p['quantity_centi'], unit)} extra a week of {what}, for up to {_weeks(p['weeks'])}."
    return f"Tell {_names(p.get('user_ids', []))}."


def _weeks(n: int) -> str:
    return "1 week" if n == 1 else f"{n} weeks"


def _names(user_ids) -> str:
    people = [db.session.get(User, i) for i in user_ids]
    names = [u.name for u in people if u is not None]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else "nobody"


# --- agreeing (the care coordinator) -------------------------------------------------------------

def _require_agree(actor, holder):
    if not can(actor, "crisis.agree", holder):
        raise NotAllowed("Only the holder's care coordinator or team manager agrees crisis actions.")
    plan = current_plan(holder)
    if plan is None:
        raise DomainError("Crisis actions are agreed with an approved plan, and there is none yet.")
    return plan


def set_contingency(actor, holder, amount_pence: int) -> CrisisPlan:
    """Agree the contingency of the current plan. It may not go below what extra support has used."""
    plan = _require_agree(actor, holder)
    if not 0 <= amount_pence <= MOST_PENCE:
        raise DomainError("Enter the contingency in pounds.")
    found = crisis_plan(plan) or CrisisPlan(plan_id=plan.id, holder_id=holder.id, council_id=holder.council_id)
    used = contingency_pence(plan) - contingency_left(plan)
    if amount_pence < used:
        raise DomainError(f"Extra support has already used {format_pence(used)} of the contingency.")
    found.contingency_pence, found.agreed_by_id, found.updated_at = amount_pence, actor.id, clock.now()
    db.session.add(found)
    db.session.flush()
    events.record("crisis.contingency_agreed", actor=actor, holder=holder, obj=found, amount_pence=amount_pence)
    db.session.commit()
    return found


def agree(actor, holder, kind: str, parameters: dict) -> CrisisAction:
    """Add an action to the current approved plan. Raises NotAllowed or DomainError (what is wrong)."""
    plan = _require_agree(actor, holder)
    if kind not in KINDS:
        raise DomainError("Choose what should happen.")
    weeks = parameters.get("weeks")
    if kind != "tell_people" and not (isinstance(weeks, int) and 1 <= weeks <= MOST_WEEKS):
        raise DomainError(f"Choose how many weeks, from 1 to {MOST_WEEKS}.")
    if kind == "switch_to_managed":
        manager = (parameters.get("manager") or "").strip()
        if not manager or len(manager) > MANAGER_MAX:
            raise DomainError("Name who will hold the money (the broker or organisation agreed).")
        clean = {"manager": manager, "weeks": weeks}
    elif kind == "extra_hours":
        line = db.session.get(OrderLine, parameters.get("line_id") or 0)
        quantity = parameters.get("quantity_centi")
        if not extra_hours.usable(line, plan.budget):
            raise DomainError("Choose one of the holder's accepted weekly orders.")
        if not (isinstance(quantity, int) and 0 < quantity <= MOST_EXTRA_CENTI):
            raise DomainError("Say how much extra each week, more than 0 and up to 40.")
        most = extra_hours.per_date_pence(line, quantity) * weeks
        if most > contingency_pence(plan):
            raise DomainError(f"This costs up to {format_pence(most)}: agree a contingency of at least that first.")
        clean = {"line_id": line.id, "quantity_centi": quantity, "weeks": weeks}
    else:
        allowed = {u.id for u in tell_candidates(holder)}
        user_ids = [i for i in parameters.get("user_ids") or [] if i in allowed]
        message = (parameters.get("message") or "").strip()
        if not user_ids:
            raise DomainError("Choose who should be told.")
        if not message or len(message) > MESSAGE_MAX:
            raise DomainError(f"Write the message, up to {MESSAGE_MAX} characters.")
        clean = {"user_ids": sorted(set(user_ids)), "message": message}
    position = len(actions_for(plan))
    action = CrisisAction(plan_id=plan.id, holder_id=holder.id, council_id=holder.council_id, key=secrets.token_hex(6),
                          kind=kind, parameters=clean, position=position, agreed_by_id=actor.id, agreed_at=clock.now())
    db.session.add(action)
    db.session.flush()
    events.record("crisis.agreed", actor=actor, holder=holder, obj=action, kind=kind, plan_version=plan.version)
    db.session.commit()
    return action


def remove(actor, action: CrisisAction) -> CrisisAction:
    """Take an action off the plan (a run already going carries on until it ends or is stopped)."""
    if not can(actor, "crisis.agree", action.holder):
        raise NotAllowed("Only the holder's care coordinator or team manager agrees crisis actions.")
    if action.removed_at is None:
        action.removed_at = clock.now()
        events.record("crisis.removed", actor=actor, holder=action.holder, obj=action, kind=action.kind)
        db.session.commit()
    return action


# --- starting and ending ------------------------------------------------------------------------

def new_start_key() -> str:
    return secrets.token_hex(16)


def start(actor, action: CrisisAction, start_key: str) -> CrisisRun:
    """Start the action now: one step, no approval. The same ``start_key`` twice, or an action already
    running, returns the run there is. Raises NotAllowed, or DomainError (nothing done) when it cannot."""
    holder = action.holder
    if not can(actor, "crisis.start", holder):
        raise NotAllowed("You cannot start this crisis plan.")
    if not start_key or len(start_key) > 64:
        raise DomainError("Please open the crisis plan page again and press the button once more.")
    budget = action.plan.budget
    ledger.lock_budget(budget)  # two presses at once are served one after the other
    same = db.session.scalar(db.select(CrisisRun).filter_by(start_key=start_key))
    if same is not None:
        if same.action_id != action.id:
            raise DomainError("Please open the crisis plan page again and press the button once more.")
        return same
    if action.running is not None:
        return action.running
    if action.removed_at is not None or action.plan.status != "approved":
        raise DomainError("This action is no longer part of your plan. Ring your care coordinator.")
    run = CrisisRun(action=action, holder_id=holder.id, council_id=holder.council_id, budget_id=budget.id,
                    start_key=start_key, started_by_id=actor.id, started_at=clock.now())
    run.holder = holder
    db.session.add(run)
    p = action.parameters
    if action.kind == "switch_to_managed":
        run.ends_on = clock.today() + timedelta(weeks=p["weeks"])
        if budget.deployment_option != "managed_account":
            run.from_option = budget.deployment_option
    CRISIS_RUN.start(run, "running", actor=actor, kind=action.kind)
    if action.kind == "extra_hours":
        line = db.session.get(OrderLine, p.get("line_id") or 0)
        extra_hours.book(actor, run, line, p["quantity_centi"], p["weeks"], contingency_left(action.plan))
    elif action.kind == "tell_people":
        people = [db.session.get(User, i) for i in p.get("user_ids", [])]
        notify_all(people, f"A message from {holder.name}'s crisis plan", p.get("message", ""), _page(holder))
        CRISIS_RUN.move(run, "ended", actor=actor, reason="The people chosen were told")
        run.ended_at = clock.now()
    _tell(holder, actor, f"{holder.name}'s crisis plan has started", f"{summary(action)} Started by {actor.name}.")
    if run.from_option:
        budgets.switch_deployment(_authority(actor, action, run), budget, "managed_account", clock.today(),
                                  reason=f"Crisis plan started by {actor.name}", budget_manager_name=p["manager"])
    db.session.commit()
    return run


def stop(actor, run: CrisisRun) -> CrisisRun:
    """Stop a running action early: switch back, or cancel the extra dates still to come and give
    their money back. Raises NotAllowed, or InvalidTransition when it has already ended."""
    if not can(actor, "crisis.start", run.holder):
        raise NotAllowed("You cannot stop this crisis plan.")
    ledger.lock_budget(run.budget)
    CRISIS_RUN.check(run, "stopped")
    _finish(actor, run, "stopped")
    db.session.commit()
    return run


def end_due(today=None) -> int:
    """End every run whose end date has come (switching the money back). Safe to run again: an ended
    run is never ended twice. Returns how many were ended."""
    today = today or clock.today()
    due = db.session.scalars(db.select(CrisisRun).where(CrisisRun.status == "running", CrisisRun.ends_on <= today)
                             .order_by(CrisisRun.id)).all()
    for run in due:
        _finish(None, run, "ended")
        db.session.commit()
    return len(due)


def end_due_for(holder) -> int:
    """``end_due`` for one holder: the crisis page calls it, so nobody sees a run past its date as running."""
    today = clock.today()
    due = [r for r in runs_for(holder) if r.is_running and r.ends_on is not None and r.ends_on <= today]
    for run in due:
        _finish(None, run, "ended")
        db.session.commit()
    return len(due)


def _finish(actor, run: CrisisRun, to: str) -> None:
    action, holder = run.action, run.holder
    released = extra_hours.cancel_future(actor, run) if to == "stopped" else 0
    CRISIS_RUN.move(run, to, actor=actor, released_pence=released or None)
    run.ended_at, run.ended_by_id = clock.now(), getattr(actor, "id", None)
    what = "was stopped early" + (f" by {actor.name}" if actor else "") if to == "stopped" else "has ended"
    body = summary(action)
    if released:
        body += f" {format_pence(released)} is back in the budget."
    budget, switch_by = run.budget, None
    if run.from_option and budget.deployment_option == "managed_account":
        switch_by = _authority(actor, action, run, required=False)
        if switch_by is None:
            body += " The money is still in the managed account: please switch it back."
    _tell(holder, actor, f"{holder.name}'s crisis plan {what}", body)
    if switch_by is not None:
        try:
            budgets.switch_deployment(switch_by, budget, run.from_option, max(min(clock.today(), budget.ends_on), budget.starts_on),
                                      reason="Crisis plan " + ("stopped early" if to == "stopped" else "ended"),
                                      isf_provider=budget.isf_provider)
        except DomainError as error:  # refused before changing anything: the run still ends, a person switches back
            notify_all(coordinators(holder), f"Please switch {holder.name}'s money back",
                       f"Their crisis plan {what}, but the money could not be moved back: {error.message}", _page(holder))


def _authority(actor, action: CrisisAction, run: CrisisRun, required: bool = True):
    """Whose authority a switch of how the money is held is recorded on (see the module's docstring)."""
    for person in (actor, action.agreed_by, run.started_by):
        if person is not None and can(person, "holder.manage_budget_option", run.holder) and (
                run.from_option != "individual_service_fund" or can(person, "budget.arrange_service_fund", run.holder)):
            return person
    if required:
        raise DomainError("Your care coordinator needs to make this switch: please ring them.")
    return None


def _tell(holder, actor, title: str, body: str) -> None:
    people = coordinators(holder)
    if holder.user is not None and getattr(actor, "id", None) != holder.user_id:
        people.append(holder.user)
    notify_all([p for p in people if p is not None and p.id != getattr(actor, "id", None)], title, body, _page(holder))


def _page(holder) -> str:
    return f"/holders/{holder.id}/crisis"
