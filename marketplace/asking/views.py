"""The person's side of a request: choosing the council, the small steps, checking and sending, and
following the case by its private link. Nobody is signed in here, so the private link (a signed token,
see service.py) is the authority; the council's side is in ``casework.py`` and asks the policy."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for

from ..councils.models import Council
from ..extensions import db, limiter
from ..web import attempt, current_council
from . import casework, service, timeline, timescales
from .forms import STEP_FORMS, STEP_TITLES, AnswerForm, SendForm, StartForm
from .models import ACCESS, CLOSE_REASONS, CONSENT, CONTACT, FOR_WHOM, KINDS

bp = Blueprint("asking", __name__)
SESSION_KEY = "asking_token"  # the draft being written in this browser, so "Ask" goes back to it


def _council() -> Council | None:
    slug = request.args.get("council", "")
    if slug:
        return db.session.scalar(db.select(Council).filter_by(slug=slug[:60])) or abort(404)
    return current_council()


def _request(token: str):
    found = service.find_by_token(token)
    if found is None:
        abort(404)
    return found


def _draft(token: str):
    found = _request(token)
    if not found.is_draft:
        return None
    return found


@bp.route("/ask", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def start():
    council = _council()
    if council is None:
        councils = db.session.scalars(db.select(Council).order_by(Council.name)).all()
        return render_template("asking/choose.html", councils=councils, title="Ask for support: choose your council")
    saved = service.find_by_token(session.get(SESSION_KEY, ""))
    form = StartForm()
    if form.validate_on_submit():
        made, problem = attempt(lambda: service.start(council, form.kind.data, form.for_whom.data))
        if problem is None:
            token = service.tracking_token(made)
            session[SESSION_KEY] = token
            return redirect(url_for("asking.step", token=token, step="about-them"))
    return render_template("asking/start.html", council=council, form=form, saved=saved if saved and saved.is_draft else None,
                           figures=timescales.for_council(council), title=f"Ask {council.name} for support")


@bp.route("/ask/<token>/<step>", methods=["GET", "POST"])
def step(token: str, step: str):
    draft = _draft(token)
    if draft is None:
        return redirect(url_for("asking.track", token=token))
    steps = service.steps_for(draft)
    if step not in steps:
        abort(404)
    form = STEP_FORMS[step](obj=draft)
    if form.validate_on_submit():
        service.save(draft, step, {name: getattr(form, name).data for name in service.STEP_FIELDS[step]})
        if form.later.data:
            flash("Your answers are saved. Use the link on this page to come back to them.", "success")
            return redirect(url_for("asking.track", token=token))
        following = steps.index(step) + 1
        if following < len(steps):
            return redirect(url_for("asking.step", token=token, step=steps[following]))
        return redirect(url_for("asking.check", token=token))
    myself = not draft.for_someone_else
    title = "About you" if step == "about-them" and myself else STEP_TITLES[step]
    return render_template(f"asking/step_{step.replace('-', '_')}.html", form=form, draft=draft, token=token,
                           myself=myself, number=steps.index(step) + 1, of=len(steps) + 1,
                           back=url_for("asking.step", token=token, step=steps[steps.index(step) - 1])
                           if steps.index(step) else url_for("asking.start", council=draft.council.slug),
                           title=title)


@bp.route("/ask/<token>/check", methods=["GET", "POST"])
def check(token: str):
    draft = _draft(token)
    if draft is None:
        return redirect(url_for("asking.track", token=token))
    form, problem = SendForm(), None
    if form.validate_on_submit():
        _sent, problem = attempt(lambda: service.submit(draft))
        if problem is None:
            session.pop(SESSION_KEY, None)
            flash(f"Your request is sent. Your reference is {draft.reference}.", "success")
            return redirect(url_for("asking.track", token=token))
    return render_template("asking/check.html", draft=draft, token=token, form=form, problem=problem,
                           gaps=service.missing(draft), kinds=KINDS, for_whom=FOR_WHOM, consent=CONSENT,
                           contact=CONTACT, access_text=service.access_text(draft), steps=service.steps_for(draft),
                           title="Check your answers before sending")


@bp.route("/ask/<token>", methods=["GET", "POST"])
def track(token: str):
    found = _request(token)
    form, problem = AnswerForm(), None
    if found.has_question and form.validate_on_submit():
        _done, problem = attempt(lambda: service.answer(found, form.answer.data))
        if problem is None:
            flash("Thank you. Your answer is with the council.", "success")
            return redirect(url_for("asking.track", token=token))
    return render_template("asking/track.html", found=found, token=token, form=form, problem=problem,
                           stages=timeline.stages(found), steps=service.steps_for(found), kinds=KINDS,
                           close_reasons=CLOSE_REASONS, link=service.tracking_link(found), access=ACCESS,
                           title=f"Your request {found.reference}")


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(casework.bp)
    app.add_template_global(service.for_holder, "support_request_for")
