"""A job's progress page, starting it again, and starting last month's statements from the finance pages.

The page refreshes itself every few seconds while the job runs (a ``<meta http-equiv="refresh">``:
the CSP forbids scripts of our own in the page) and has a link to refresh by hand.
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..forms import ConfirmForm
from ..policy import require
from ..statements.service import latest_month, month_name
from ..web import attempt, council_page, load
from . import service
from .models import JOB, Job

bp = Blueprint("jobs", __name__)
REFRESH_SECONDS = 5
LONDON = ZoneInfo("Europe/London")


def _when(moment) -> str:
    """A stored UTC time as people here read it."""
    return moment.astimezone(LONDON).strftime("%-d %B %Y, %H:%M") if moment else ""


@bp.get("/jobs")
@login_required
def index():
    """The jobs this person started (and, for administrators, their council's), with how far each has got."""
    require(current_user, "account.own")
    return render_template("jobs/index.html", jobs=service.followed_by(current_user), when=_when, titled=service.title,
                           title="Your jobs")


@bp.get("/jobs/<int:job_id>")
@login_required
def show(job_id: int):
    job = load(Job, job_id, "job.view")
    running = JOB.state(job) in ("queued", "running")
    return render_template("jobs/show.html", job=job, job_title=service.title(job), running=running,
                           may_retry=JOB.can_move(job, "queued"), refresh=REFRESH_SECONDS, form=ConfirmForm(), when=_when,
                           title=service.title(job))


@bp.post("/jobs/<int:job_id>/retry")
@login_required
def retry(job_id: int):
    job = load(Job, job_id, "job.retry")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _, problem = attempt(lambda: service.retry(current_user, job))
    if problem:
        flash(problem, "info")
    return redirect(url_for("jobs.show", job_id=job_id))


@bp.post("/council/statements/issue")
@login_required
def issue_statements():
    """Issue the council's statements for the month that has just ended, in the background."""
    council = council_page("jobs.statements")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    month = latest_month()
    job, problem = attempt(lambda: service.enqueue(current_user, "statements", council=council,
                                                   month=f"{month:%Y-%m}", council_id=council.id))
    if problem:
        flash(problem, "info")
        return redirect(url_for("billing.council_payments"))
    flash(f"Statements for {month_name(month)}: started.", "success")
    return redirect(url_for("jobs.show", job_id=job.id))


def init_app(app) -> None:
    app.register_blueprint(bp)
