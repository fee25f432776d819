"""The finance queue of underspend proposals and the decision page; the wiring of the area into the app."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..web import attempt, council_page, load
from . import decisions, service
from .cli import underspend_cli
from .forms import DecisionForm
from .models import ClawbackProposal
from .position import position, position_for_page

bp = Blueprint("underspend", __name__)


@bp.get("/council/underspend")
@login_required
def queue():
    council = council_page("council.clawbacks")
    return render_template("underspend/queue.html", council=council, waiting=service.queue(council),
                           decided=service.queue(council, decided=True), title="Underspend decisions")


@bp.route("/council/underspend/<int:proposal_id>", methods=["GET", "POST"])
@login_required
def decide(proposal_id: int):
    proposal = load(ClawbackProposal, proposal_id, "council.clawbacks", via=lambda p: p.council)
    form = DecisionForm()
    problem = None
    if proposal.is_open and form.validate_on_submit():
        amount = form.amount.pence if form.decision.data == "change" else None
        if form.decision.data == "change" and amount is None:
            problem = "Enter the different amount, in pounds."
        elif request.form.get("confirmed") == "no":
            pass  # back to the form, with what they entered
        elif request.form.get("confirmed") != "yes":  # nothing moves until the officer has seen what it will do
            checked, problem = attempt(lambda: decisions.validated(proposal, form.decision.data, reason=form.reason.data,
                                                                   amount_pence=amount))
            if problem is None:
                return render_template("underspend/confirm.html", proposal=proposal, form=form, amount=checked[1],
                                       title=f"Check your decision on underspend {proposal.id}")
        else:
            _done, problem = attempt(lambda: decisions.decide(current_user, proposal, form.decision.data,
                                                              reason=form.reason.data, amount_pence=amount))
            if problem is None:
                flash(f"Decision recorded for {proposal.holder.name}: {proposal.status_label.lower()}.", "success")
                return redirect(url_for("underspend.queue"))
    return render_template("underspend/decide.html", proposal=proposal, form=form, problem=problem,
                           now=position(proposal.budget), title=f"Underspend decision {proposal.id}")


def init_app(app) -> None:
    """Pages, the ``flask underspend`` jobs, and ``underspend_position(budget)`` for the money page."""
    app.register_blueprint(bp)
    app.cli.add_command(underspend_cli)
    app.add_template_global(position_for_page, "underspend_position")
