"""Registering as a provider, personal assistant or community group. Thin: rules are in service.py."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..accounts import service as accounts
from ..accounts import sessions
from ..councils.models import Council
from ..errors import DomainError
from ..extensions import db, limiter
from ..fields import options
from ..web import attempt, load
from . import banking, service
from .forms import BankDetailsForm, RegisterOrganisationForm
from .models import Organisation

bp = Blueprint("providers", __name__)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("REGISTER_RATE_LIMIT", "20 per hour"), methods=["POST"])
def register():
    form = RegisterOrganisationForm()
    councils = db.session.scalars(db.select(Council).order_by(Council.name)).all()
    form.councils.choices = options([(c.id, c.name) for c in councils])
    problem = None
    if form.validate_on_submit():
        chosen = [c for c in councils if c.id in set(form.councils.data)]
        try:
            organisation = service.register(
                organisation_name=form.organisation_name.data, kind=form.kind.data, councils=chosen,
                person_name=form.person_name.data, email=form.email.data, password=form.password.data,
                phone=form.phone.data, summary=form.summary.data,
            )
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            sessions.sign_in(accounts.find_by_email(form.email.data))
            return redirect(url_for("providers.registered", organisation_id=organisation.id))
    return render_template("providers/register.html", form=form, problem=problem, title="Register as a provider or community group")


@bp.get("/register/done/<int:organisation_id>")
@login_required
def registered(organisation_id: int):
    organisation = load(Organisation, organisation_id, "organisation.view_private")
    return render_template("providers/registered.html", organisation=organisation, title="Registration received")


@bp.route("/provider/organisations/<int:organisation_id>/bank-details", methods=["GET", "POST"])
@login_required
def bank_details(organisation_id: int):
    """Where the organisation is paid: shown masked; changed by typing the details in again."""
    organisation = load(Organisation, organisation_id, "organisation.manage")
    form = BankDetailsForm()
    problem = None
    if form.validate_on_submit():
        _, problem = attempt(lambda: banking.set_bank_details(
            current_user, organisation, account_name=form.account_name.data, sort_code=form.sort_code.data,
            account_number=form.account_number.data))
        if problem is None:
            flash(f"Bank details saved: {organisation.bank_details.masked}. The change is recorded, and any other admins of {organisation.name} have been told.", "success")
            return redirect(url_for("providers.bank_details", organisation_id=organisation.id))
    return render_template("providers/bank_details.html", organisation=organisation, details=organisation.bank_details,
                           form=form, problem=problem, title=f"Bank details: {organisation.name}")
