"""Pages of the crisis plan: "My crisis plan" (the agreed actions, what is running), the one-button
confirmation ("This will: ..."), stopping early, and the coordinator's page to agree actions;
``flask crisis end-due``."""
from __future__ import annotations

import click
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.cli import AppGroup
from flask_login import current_user, login_required

from ..extensions import db
from ..holders.models import Holder
from ..policy import can
from ..web import attempt, load
from . import extra_hours, service
from .forms import ContingencyForm, ExtraHoursForm, RemoveForm, StartForm, StopForm, SwitchForm, TellForm
from .models import CrisisAction, CrisisRun

bp = Blueprint("crisis", __name__)
crisis_cli = AppGroup("crisis", help="Crisis plans.")


def _of_holder(model, object_id: int, holder: Holder):
    """A crisis row of this holder, else 404 (a row of somebody else is hidden, not refused)."""
    found = db.session.get(model, object_id)
    if found is None or found.holder_id != holder.id:
        abort(404)
    return found


@bp.get("/holders/<int:holder_id>/crisis")
@login_required
def show(holder_id: int):
    holder = load(Holder, holder_id, "crisis.view")
    service.end_due_for(holder)
    plan = service.current_plan(holder)
    actions = service.actions_for(plan)
    return render_template("crisis/show.html", holder=holder, plan=plan, actions=actions, summary=service.summary,
                           runs=service.runs_for(holder)[:20], may_start=can(current_user, "crisis.start", holder),
                           may_agree=can(current_user, "crisis.agree", holder), stop_form=StopForm(),
                           mine=holder.user_id == current_user.id, title="My crisis plan")


@bp.route("/holders/<int:holder_id>/crisis/actions/<int:action_id>/start", methods=["GET", "POST"])
@login_required
def start(holder_id: int, action_id: int):
    """One press: the page says exactly what will happen; the button does it."""
    holder = load(Holder, holder_id, "crisis.start")
    action = _of_holder(CrisisAction, action_id, holder)
    form, problem = StartForm(), None
    if form.validate_on_submit():
        run, problem = attempt(lambda: service.start(current_user, action, form.start_key.data))
        if problem is None:
            flash("Done. " + service.summary(action) + " Your care coordinator has been told.", "success")
            return redirect(url_for("crisis.show", holder_id=holder.id))
    elif request.method == "POST":
        problem = "Please press the button again."
    form.start_key.data = service.new_start_key()
    return render_template("crisis/start.html", holder=holder, action=action, form=form, problem=problem,
                           steps=service.describe(action) if action.removed_at is None else [],
                           running=action.running, stop_form=StopForm(), title="Start this part of my crisis plan")


@bp.post("/holders/<int:holder_id>/crisis/runs/<int:run_id>/stop")
@login_required
def stop(holder_id: int, run_id: int):
    holder = load(Holder, holder_id, "crisis.start")
    run = _of_holder(CrisisRun, run_id, holder)
    if StopForm().validate_on_submit():
        _done, problem = attempt(lambda: service.stop(current_user, run))
        flash(problem or "Stopped. Your care coordinator has been told.", "error" if problem else "success")
    return redirect(url_for("crisis.show", holder_id=holder.id))


@bp.route("/holders/<int:holder_id>/crisis/agree", methods=["GET", "POST"])
@login_required
def agree(holder_id: int):
    """The coordinator agrees the contingency and the actions with the holder's approved plan."""
    holder = load(Holder, holder_id, "crisis.agree")
    plan = service.current_plan(holder)
    budget = plan.budget if plan is not None else None
    lines = extra_hours.lines_for(budget)
    people = service.tell_candidates(holder)
    which = request.form.get("which", "") if request.method == "POST" else ""
    # Only the form that was sent reads the request: the others stay empty.
    forms = {name: cls(formdata=None if which != name else request.form) for name, cls in (
        ("contingency", ContingencyForm), ("switch_to_managed", SwitchForm), ("extra_hours", ExtraHoursForm),
        ("tell_people", TellForm))}
    forms["extra_hours"].line_id.choices = [(line.id, f"{line.title} with {line.order.organisation.name} "
                                             f"({line.days_text})") for line in lines]
    forms["tell_people"].user_ids.choices = [(person.id, person.name) for person in people]
    problem = None
    form = forms.get(which)
    if form is not None and form.validate_on_submit():
        _done, problem = attempt(lambda: _agree_with(holder, which, form))
        if problem is None:
            flash("Saved. The holder and the people they trust can start it from their crisis plan page.", "success")
            return redirect(url_for("crisis.agree", holder_id=holder.id))
    elif request.method == "POST":
        problem = "Check what you entered." if form is not None else "Choose what to agree."
    if plan is not None and not forms["contingency"].is_submitted():
        forms["contingency"].amount.data = f"{service.contingency_pence(plan) / 100:.2f}"
    return render_template("crisis/agree.html", holder=holder, plan=plan, forms=forms, problem=problem,
                           actions=service.actions_for(plan), summary=service.summary, remove_form=RemoveForm(),
                           left=service.contingency_left(plan) if plan else 0,
                           contingency=service.contingency_pence(plan), has_lines=bool(lines), title="Agree a crisis plan")


def _agree_with(holder: Holder, which: str, form):
    if which == "contingency":
        return service.set_contingency(current_user, holder, form.amount.pence)
    if which == "switch_to_managed":
        return service.agree(current_user, holder, which, {"manager": form.manager.data, "weeks": form.weeks.data})
    if which == "extra_hours":
        return service.agree(current_user, holder, which, {"line_id": form.line_id.data, "weeks": form.weeks.data,
                                                            "quantity_centi": int(form.quantity.decimal * 100)})
    return service.agree(current_user, holder, which, {"user_ids": form.user_ids.data, "message": form.message.data})


@bp.post("/holders/<int:holder_id>/crisis/actions/<int:action_id>/remove")
@login_required
def remove(holder_id: int, action_id: int):
    holder = load(Holder, holder_id, "crisis.agree")
    action = _of_holder(CrisisAction, action_id, holder)
    if RemoveForm().validate_on_submit():
        _done, problem = attempt(lambda: service.remove(current_user, action))
        flash(problem or "Removed from the crisis plan.", "error" if problem else "success")
    return redirect(url_for("crisis.agree", holder_id=holder.id))


@crisis_cli.command("end-due")
def end_due_command() -> None:
    """End the crisis actions whose time is up (switching money back). Run it daily; safe to repeat."""
    click.echo(f"Ended {service.end_due()} crisis actions.")


def crisis_actions(holder) -> list[CrisisAction]:
    """For the holder's home page and plan page: the actions agreed with their current plan."""
    return service.actions_for(service.current_plan(holder)) if holder is not None else []


def init_app(app) -> None:
    """Pages, ``flask crisis`` and the ``crisis_actions`` template helper."""
    app.register_blueprint(bp)
    app.cli.add_command(crisis_cli)
    app.add_template_global(crisis_actions, "crisis_actions")
