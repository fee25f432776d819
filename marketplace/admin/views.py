"""Council administration: deciding on organisations, reading the event log, importing the CQC's ratings."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from .. import policy
from ..events import labels
from ..events.labels import KINDS
from ..extensions import csrf
from ..fields import DateField, options, strip_whitespace
from ..jobs import service as jobs
from ..providers import cqc
from ..providers import service as providers
from ..providers.models import OrganisationApproval
from ..web import attempt, council_page, current_council, load, page_number
from . import eventlog

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


class EventFilterForm(FlaskForm):
    """The event log's filters: a GET form (it changes nothing, so it needs no CSRF token)."""
    class Meta:
        csrf = False

    kind = SelectField("Kind of event", widget=GovSelect(), choices=options([("", "All kinds")] + list(KINDS.items())),
                       validators=[Optional()])
    person = StringField("Done by (part of a name or email address)", widget=GovTextInput(), filters=[strip_whitespace],
                         validators=[Optional(), Length(max=100, message="Enter at most 100 characters")])
    since = DateField("From", widget=GovDateInput(), description="For example, 27 3 2026", validators=[Optional()])
    until = DateField("To", widget=GovDateInput(), description="For example, 27 3 2026", validators=[Optional()])
    submit = SubmitField("Show events", widget=GovSubmitInput())


@bp.get("/events")
@login_required
def events():
    council = council_page("council.events")
    form = EventFilterForm(request.args)
    filters = {}
    if form.validate():
        filters = {"kind": form.kind.data or None, "person": form.person.data or None, "since": form.since.data,
                   "until": form.until.data}
    rows = eventlog.search(council, page=page_number(), **filters)
    kept = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "page"])  # the filters, for the next page
    return render_template("admin/events.html", rows=rows, council=council, form=form, label=labels.label, kept=kept,
                           object_label=labels.object_label,
                           title="Event log")


REPORT_ROWS = 100  # of each kind of row the import page lists; the rest are counted (the directory covers all England)


class CqcImportForm(FlaskForm):
    directory = FileField("The CQC's care directory", widget=GovFileInput(),
                          validators=[FileRequired("Choose the CSV file of the CQC's care directory"),
                                      FileAllowed(["csv"], "The file must be a CSV file, like the CQC's care directory")])
    submit = SubmitField("Import ratings", widget=GovSubmitInput())
    background = SubmitField("Import in the background", widget=GovSubmitInput())  # for the whole of England's file


@bp.route("/cqc", methods=["GET", "POST"])
@csrf.exempt  # the app-wide check would read the upload under the usual 8 MB limit: this view raises it, then checks
@login_required
def cqc_import():
    """Upload the CQC's monthly care directory; the page shows what was matched and what needs a look."""
    if not policy.can(current_user, "cqc.import"):  # asked of no object: any council's administrators
        abort(403)
    request.max_content_length = cqc.MAX_BYTES + 1024 * 1024  # the file, and room for the rest of the form
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    form = CqcImportForm()
    result, problem = None, None
    valid = form.validate_on_submit()
    if valid and form.background.data:  # a job: its page shows the progress and the counts
        data = form.directory.data.stream.read(cqc.MAX_BYTES + 1)
        job, problem = attempt(lambda: jobs.enqueue(current_user, "cqc", council=current_council(), payload=data))
        if job is not None:
            return redirect(url_for("jobs.show", job_id=job.id))
    elif valid:
        result, problem = attempt(lambda: cqc.import_directory(form.directory.data.stream))
    return render_template("admin/cqc.html", form=form, result=result, problem=problem, shown=REPORT_ROWS,
                           max_mb=cqc.MAX_BYTES // (1024 * 1024), title="Import CQC ratings")

