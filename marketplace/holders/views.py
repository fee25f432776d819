"""Holder records, delegations and the broker's caseload. Thin: rules are in service.py."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import clock
from ..errors import DomainError
from ..events import labels as event_labels
from ..events import service as events
from ..extensions import db
from ..forms import ConfirmForm
from ..policy import require
from ..web import council_page, load, page_number
from . import service
from .forms import DelegationForm, HolderRecordForm, NewHolderForm
from .models import Delegation, Holder

bp = Blueprint("holders", __name__)


@bp.get("/holders")
@login_required
def index():
    council = council_page("council.holders")
    found = service.holders_in(council, request.args.get("q", ""), page_number())
    return render_template("holders/index.html", found=found, council=council,
                           title=f"Budget holders: {found.search}" if found.search else "Budget holders")


@bp.route("/holders/new", methods=["GET", "POST"])
@login_required
def new():
    council = council_page("holder.create")
    form = NewHolderForm()
    problem = None
    if form.validate_on_submit():
        try:
            holder = service.create_holder(
                current_user, council, name=form.name.data, email=form.email.data or None,
                preferred_contact=form.preferred_contact.data, postcode_district=form.postcode_district.data,
                phone=form.phone.data or None, address=form.address.data or None,
                accessibility_needs=form.accessibility_needs.data or None, about_me=form.about_me.data or None,
                managed_by_council=bool(form.managed_by_council.data),
            )
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash(f"{holder.name}'s account is set up." + (" We have emailed them an invitation." if holder.user else ""), "success")
            return redirect(url_for("holders.show", holder_id=holder.id))
    return render_template("holders/new.html", form=form, problem=problem, council=council, title="Set up a budget holder")


@bp.get("/holders/<int:holder_id>")
@login_required
def show(holder_id: int):
    holder = load(Holder, holder_id, "holder.view")
    return render_template("holders/show.html", holder=holder, title=holder.name,
                           activity=events.for_holder(holder.id, limit=20), label=event_labels.gentle)


@bp.route("/holders/<int:holder_id>/edit", methods=["GET", "POST"])
@login_required
def edit(holder_id: int):
    holder = load(Holder, holder_id, "holder.edit_record")
    form = HolderRecordForm(obj=holder)
    if form.validate_on_submit():
        service.update_record(current_user, holder, **{f: getattr(form, f).data for f in service.EDITABLE_FIELDS})
        flash("Saved.", "success")
        return redirect(url_for("holders.show", holder_id=holder.id))
    return render_template("holders/edit.html", form=form, holder=holder, title=f"Change details: {holder.name}")


@bp.route("/holders/<int:holder_id>/delegations", methods=["GET", "POST"])
@login_required
def delegations(holder_id: int):
    holder = load(Holder, holder_id, "holder.view")
    form = DelegationForm()
    problem = None
    if form.is_submitted():
        require(current_user, "holder.manage_delegations", holder)
    if form.validate_on_submit():
        try:
            delegation = service.grant_delegation(
                current_user, holder, form.delegate_email.data, form.kind.data, form.rights.data,
                form.starts_on.data, form.ends_on.data, form.consent_note.data or None, form.delegate_name.data or None,
            )
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash(f"{delegation.delegate.name} can now act for {holder.name}.", "success")
            return redirect(url_for("holders.delegations", holder_id=holder.id))
    elif not form.is_submitted():
        form.starts_on.data = clock.today()
    return render_template("holders/delegations.html", holder=holder, form=form, problem=problem,
                           title=f"Who can act for {holder.name}")


@bp.route("/delegations/<int:delegation_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke(delegation_id: int):
    delegation = load(Delegation, delegation_id, "delegation.revoke")
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            service.revoke_delegation(current_user, delegation)
        except DomainError as error:
            flash(error.message, "info")
        else:
            flash(f"{delegation.delegate.name} can no longer act for {delegation.holder.name}.", "success")
        if current_user.id == delegation.delegate_id and current_user.id != delegation.holder.user_id:
            return redirect(url_for("home.index"))
        return redirect(url_for("holders.delegations", holder_id=delegation.holder_id))
    return render_template("holders/revoke.html", delegation=delegation, form=form, title="End this arrangement")


@bp.get("/me")
@login_required
def me():
    require(current_user, "account.own")
    holder = service.holder_for_user(current_user)
    if holder is None:
        abort(404)
    return redirect(url_for("holders.show", holder_id=holder.id))
