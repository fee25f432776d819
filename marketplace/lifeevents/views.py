"""The staff's pages for a holder's life events, the panel on the holder's page, and the
``flask lifeevents moves`` job. Thin: the rules are in service.py."""
from __future__ import annotations

import click
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.cli import AppGroup
from flask_login import current_user, login_required

from .. import clock
from ..holders.models import Holder
from ..web import attempt, load
from . import service
from .forms import DeathForm, HospitalForm, MoveForm, ReturnForm

bp = Blueprint("lifeevents", __name__)
lifeevents_cli = AppGroup("lifeevents", help="Life events recorded by council staff.")


def _done(holder, message: str):
    flash(message, "success")
    return redirect(url_for("lifeevents.index", holder_id=holder.id))


@bp.get("/holders/<int:holder_id>/life-events")
@login_required
def index(holder_id: int):
    holder = load(Holder, holder_id, "lifeevents.view")
    available, committed = service.money_left(holder, clock.today())
    return render_template("lifeevents/index.html", holder=holder, recorded=service.events_for(holder),
                           stay=service.open_stay(holder), ended=service.support_ended(holder), available=available,
                           committed=committed, title=f"Life events: {holder.name}")


@bp.route("/holders/<int:holder_id>/life-events/hospital", methods=["GET", "POST"])
@login_required
def hospital(holder_id: int):
    holder = load(Holder, holder_id, "lifeevents.record")
    form, problem = HospitalForm(), None
    if form.validate_on_submit():
        event, problem = attempt(lambda: service.record_hospital(current_user, holder, form.starts_on.data,
                                                                 form.expected_return_on.data))
        if problem is None:
            return _done(holder, f"Support for {holder.name} is paused. {event.count('cancelled') + event.count('cancelled_charged')} "
                                 "booked dates were cancelled and their providers told.")
    return render_template("lifeevents/form.html", holder=holder, form=form, problem=problem,
                           title=f"Record a stay in hospital: {holder.name}")


@bp.route("/holders/<int:holder_id>/life-events/home-again", methods=["GET", "POST"])
@login_required
def home_again(holder_id: int):
    holder = load(Holder, holder_id, "lifeevents.record")
    stay = service.open_stay(holder)
    if stay is None:
        flash(f"There is no stay in hospital to end for {holder.name}.", "info")
        return redirect(url_for("lifeevents.index", holder_id=holder.id))
    form, problem = ReturnForm(), None
    if form.validate_on_submit():
        _event, problem = attempt(lambda: service.record_return(current_user, holder, form.returned_on.data))
        if problem is None:
            return _done(holder, f"Support for {holder.name} starts again on {service.long_date(form.returned_on.data)}.")
    return render_template("lifeevents/form.html", holder=holder, form=form, problem=problem, stay=stay,
                           title=f"Record the return home: {holder.name}")


@bp.route("/holders/<int:holder_id>/life-events/move", methods=["GET", "POST"])
@login_required
def move(holder_id: int):
    holder = load(Holder, holder_id, "lifeevents.record")
    form, problem = MoveForm(), None
    if form.validate_on_submit():
        _event, problem = attempt(lambda: service.record_move(current_user, holder, form.moves_on.data, form.new_address.data,
                                                              form.new_postcode_district.data, form.where.data == "away"))
        if problem is None:
            return _done(holder, f"The move is recorded for {holder.name}.")
    return render_template("lifeevents/form.html", holder=holder, form=form, problem=problem,
                           title=f"Record a move: {holder.name}")


@bp.route("/holders/<int:holder_id>/life-events/death", methods=["GET", "POST"])
@login_required
def death(holder_id: int):
    """Two steps: the date, then a check-your-answers page; nothing is recorded until staff say yes,
    because it cannot be undone."""
    holder = load(Holder, holder_id, "lifeevents.record")
    form, problem = DeathForm(), None
    if form.validate_on_submit() and request.form.get("confirmed") != "no":
        if request.form.get("confirmed") == "yes":
            _event, problem = attempt(lambda: service.record_death(current_user, holder, form.died_on.data))
            if problem is None:
                return _done(holder, f"{holder.name}'s death is recorded and their support has ended.")
        else:
            _checked, problem = attempt(lambda: service.check_death(current_user, holder, form.died_on.data))
            if problem is None:
                return render_template("lifeevents/confirm_death.html", holder=holder, form=form,
                                       title=f"Check before you record: {holder.name}")
    return render_template("lifeevents/form.html", holder=holder, form=form, problem=problem,
                           title=f"Record a death: {holder.name}")


@lifeevents_cli.command("moves")
def moves_command() -> None:
    """Put new addresses on the records of people whose move within their council is due. Safe to run again."""
    click.echo(f"{service.apply_due_moves()} new addresses put on people's records.")


def init_app(app) -> None:
    """Pages, the ``flask lifeevents moves`` job, and ``life_events_for(holder)`` for the holder's page."""
    app.register_blueprint(bp)
    app.cli.add_command(lifeevents_cli)
    app.add_template_global(service.events_for, "life_events_for")
