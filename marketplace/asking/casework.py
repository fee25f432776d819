"""The council's side of requests: the triage queue and one case, with the moves that take it on.
Thin: each move is a service call; the policy is asked by ``council_page`` and ``load``."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import clock
from ..web import attempt, council_page, load
from . import service, timeline
from .forms import BookForm, CloseForm, QuestionForm, SetUpForm
from .models import ACCESS, CLOSE_REASONS, CONSENT, CONTACT, KINDS, SupportRequest

bp = Blueprint("casework", __name__)
FILTERS = {"": "All open requests", "council": "Waiting on us", "person": "Waiting on the person",
           "meeting": "Assessment booked"}


@bp.get("/council/requests")
@login_required
def queue():
    council = council_page("asking.triage")
    waiting_on = request.args.get("waiting", "")
    if waiting_on not in FILTERS:
        waiting_on = ""
    found = service.queue(council, waiting_on or None)
    today = clock.today()
    return render_template("asking/queue.html", council=council, found=found, filters=FILTERS, waiting_on=waiting_on,
                           late={r.id for r in found if timeline.is_late(r, today)}, contact=CONTACT,
                           title="Requests for support")


def _case_page(case: SupportRequest, forms: dict, problem: str | None = None, status: int = 200):
    return render_template("asking/case.html", case=case, problem=problem, stages=timeline.stages(case),
                           kinds=KINDS, consent=CONSENT, contact=CONTACT, access=ACCESS, close_reasons=CLOSE_REASONS,
                           access_text=service.access_text(case), today=clock.today(),
                           question_form=forms.get("question") or QuestionForm(formdata=None),
                           book_form=forms.get("book") or BookForm(formdata=None),
                           close_form=forms.get("close") or CloseForm(formdata=None),
                           form=next(iter(forms.values()), None),
                           title=f"Request {case.reference}"), status


@bp.get("/council/requests/<int:support_request_id>")
@login_required
def case(support_request_id: int):
    return _case_page(load(SupportRequest, support_request_id, "asking.handle"), {})


MOVES = {
    "question": (QuestionForm, lambda case, form: service.ask_more(current_user, case, form.question.data),
                 "Your question is sent."),
    "book": (BookForm, lambda case, form: service.book_assessment(current_user, case, form.on.data, form.assessor_name.data),
             "The assessment is booked and the person is told."),
    "close": (CloseForm, lambda case, form: service.close(current_user, case, form.reason.data, form.note.data or ""),
              "The request is closed and the person is told."),
}


@bp.post("/council/requests/<int:support_request_id>/<move>")
@login_required
def act(support_request_id: int, move: str):
    case = load(SupportRequest, support_request_id, "asking.handle")
    if move == "assessed":
        _done, problem = attempt(lambda: service.record_assessed(current_user, case))
        if problem is None:
            flash("Recorded. The person is told when to expect the decision.", "success")
            return redirect(url_for("casework.case", support_request_id=case.id))
        return _case_page(case, {}, problem, 409)
    if move not in MOVES:
        abort(404)
    form_class, call, done = MOVES[move]
    form = form_class()
    if form.validate_on_submit():
        _done, problem = attempt(lambda: call(case, form))
        if problem is None:
            flash(done, "success")
            return redirect(url_for("casework.case", support_request_id=case.id))
        return _case_page(case, {move: form}, problem, 409)
    return _case_page(case, {move: form}, None, 400)


@bp.route("/council/requests/<int:support_request_id>/set-up", methods=["GET", "POST"])
@login_required
def set_up(support_request_id: int):
    """A check page first: setting someone up makes an account and may email them, so it is confirmed."""
    case = load(SupportRequest, support_request_id, "asking.handle")
    if case.status != "assessed":
        flash("A request is set up after its assessment is recorded.", "info")
        return redirect(url_for("casework.case", support_request_id=case.id))
    form, problem = SetUpForm(), None
    if request.method == "GET":
        form.invite.data = bool(case.email)
    elif form.validate_on_submit():
        holder, problem = attempt(lambda: service.set_up(current_user, case, invite=bool(form.invite.data and case.email)))
        if problem is None:
            flash(f"{holder.name} is set up. Their record is their request's answers; nothing needs typing again.", "success")
            return redirect(url_for("holders.show", holder_id=holder.id))
    return render_template("asking/set_up.html", case=case, form=form, problem=problem,
                           fields=service.holder_fields(case), contact=CONTACT, title=f"Set up {case.name}")
