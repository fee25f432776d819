"""Council administration: deciding on organisations, reading the event log."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..events.models import Event
from ..extensions import db
from ..fields import options
from ..providers import service as providers
from ..providers.models import OrganisationApproval
from ..web import attempt, council_page, load, page_number

bp = Blueprint("admin", __name__, url_prefix="/admin")


class DecisionForm(FlaskForm):
    status = RadioField("Your decision", widget=GovRadioInput(), validators=[InputRequired("Choose a decision")],
                        choices=options([("approved", "Approve: their listings can be shown in this council's area"),
                                 ("rejected", "Reject"), ("suspended", "Suspend")]))
    reason = TextAreaField("Reason (the organisation will read this)", widget=GovTextArea(),
                           description="Needed when you reject or suspend.", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Save decision", widget=GovSubmitInput())


@bp.get("/organisations")
@login_required
def organisations_index():
    council = council_page("council.administer")
    return render_template("admin/organisations.html", approvals=providers.approvals_in(council), council=council,
                           title="Organisations")


@bp.route("/organisations/<int:approval_id>", methods=["GET", "POST"])
@login_required
def decide(approval_id: int):
    approval = load(OrganisationApproval, approval_id, "organisation.decide_approval")
    form = DecisionForm()
    form.status.choices = [choice for choice in form.status.choices if choice.value in providers.decisions(approval)]
    problem = None
    if form.validate_on_submit():
        _, problem = attempt(lambda: providers.decide(current_user, approval, form.status.data, form.reason.data))
        if problem is None:
            flash(f"{approval.organisation.name}: {approval.status_label.lower()}.", "success")
            return redirect(url_for("admin.organisations_index"))
    return render_template("admin/decide.html", approval=approval, form=form, problem=problem, title=f"Decide: {approval.organisation.name}")


@bp.get("/events")
@login_required
def events():
    council = council_page("council.events")
    page = page_number()
    rows = db.paginate(db.select(Event).filter_by(council_id=council.id).order_by(Event.occurred_at.desc(), Event.id.desc()),
                       page=page, per_page=50, max_per_page=100, error_out=False)
    return render_template("admin/events.html", rows=rows, council=council, title="Event log")
