"""Support plans and budgets: the holder's money page, writing a plan, the coordinator workspace.
Thin: every rule is in plans/service.py, budgets/service.py or budgets/ledger.py."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace import taxonomy

from .. import clock
from ..budgets import ledger
from ..budgets import service as budgets
from ..budgets.models import DEPLOYMENT_OPTIONS, FUNDING_SCHEDULES, BudgetPeriod
from ..errors import DomainError
from ..extensions import db
from ..fields import options
from ..forms import ConfirmForm
from ..holders.models import Holder
from ..providers import service as providers
from ..web import council_page, load
from . import reviews, service
from .forms import (
    BudgetForm,
    DecisionForm,
    DeploymentForm,
    OutcomeForm,
    PlanForm,
    ReviewAnswerForm,
    ReviewRequestForm,
    format_risks,
    parse_risks,
)
from .models import LEVEL_LABELS, WRITERS, PlanOutcome, PlanReviewRequest, SupportPlan
from .money import money_summary, statement_lines

bp = Blueprint("plans", __name__)


def get_plan(plan_id: int, action: str = "holder.view") -> SupportPlan:
    """A plan, if the policy allows ``action`` on it (or, for a holder.* action, on its holder)."""
    return load(SupportPlan, plan_id, action, via=(lambda plan: plan.holder) if action.startswith("holder.") else None)


def get_budget(budget_id: int, action: str = "holder.view") -> BudgetPeriod:
    return load(BudgetPeriod, budget_id, action, via=lambda budget: budget.holder)


def _outcome_form() -> OutcomeForm:
    form = OutcomeForm()
    form.codes.choices = options([(code, o["plain"]) for code, o in taxonomy.outcomes().items()])
    form.categories.choices = options([(slug, c["name"]) for slug, c in sorted(taxonomy.categories().items(), key=lambda kv: kv[1]["name"])])
    return form


@bp.get("/holders/<int:holder_id>/money")
@login_required
def money(holder_id: int):
    """The holder's plan and money, in plain English."""
    holder = load(Holder, holder_id, "holder.view")
    budget = budgets.current_budget(holder)
    summary = money_summary(budget) if budget else None
    plan = service.latest_plan(holder)
    steps, waiting = service.timeline(holder)
    waits = ([waiting] if waiting else []) + reviews.waits(holder)
    return render_template("plans/money.html", holder=holder, budget=budget, summary=summary, plan=plan,
                           approved=service.approved_plan(budget) if budget else None, steps=steps, waits=waits,
                           review_requests=reviews.requests_of(holder),
                           reviews=budgets.review_dates(budget) if budget else [], title=f"Plan and money: {holder.name}",
                           confirm_form=ConfirmForm(), taxonomy=taxonomy, funding_schedules=FUNDING_SCHEDULES)


@bp.post("/holders/<int:holder_id>/plans")
@login_required
def start_plan(holder_id: int):
    holder = load(Holder, holder_id, "holder.write_plan")
    budget = budgets.current_budget(holder)
    if not ConfirmForm().validate_on_submit():
        flash("Something went wrong with the form. Please try again.", "info")
        return redirect(url_for("plans.money", holder_id=holder.id))
    if budget is None:
        flash("The council needs to set up a budget before a plan can be written.", "info")
        return redirect(url_for("plans.money", holder_id=holder.id))
    try:
        plan = service.new_version(current_user, holder, budget)
    except DomainError as error:
        flash(error.message, "info")
        return redirect(url_for("plans.money", holder_id=holder.id))
    return redirect(url_for("plans.show", plan_id=plan.id))


@bp.get("/plans/<int:plan_id>")
@login_required
def show(plan_id: int):
    plan = get_plan(plan_id)
    return render_template("plans/show.html", plan=plan, title=f"Support plan version {plan.version}", taxonomy=taxonomy,
                           writers=WRITERS, levels=LEVEL_LABELS, confirm_form=ConfirmForm())


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@login_required
def edit(plan_id: int):
    plan = get_plan(plan_id, "holder.write_plan")
    form = PlanForm(obj=plan)
    if request.method == "GET":
        form.risks.data = format_risks(plan.risks)
    problem = None
    if form.validate_on_submit():
        try:
            service.update_plan(current_user, plan, about_me=form.about_me.data or "", crisis_plan=form.crisis_plan.data or "",
                                contingency_plan=form.contingency_plan.data or "", risks=parse_risks(form.risks.data),
                                written_with=form.written_with.data or [])
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash("Saved.", "success")
            return redirect(url_for("plans.show", plan_id=plan.id))
    return render_template("plans/edit.html", plan=plan, form=form, problem=problem, title="Change the plan")


@bp.route("/plans/<int:plan_id>/outcomes/new", methods=["GET", "POST"])
@login_required
def add_outcome(plan_id: int):
    plan = get_plan(plan_id, "holder.write_plan")
    form = _outcome_form()
    problem = None
    if form.validate_on_submit():
        try:
            service.add_outcome(current_user, plan, own_words=form.own_words.data, codes=form.codes.data,
                                amount_pence=form.amount.pence, how_met=form.how_met.data, categories=form.categories.data)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash("Outcome added.", "success")
            return redirect(url_for("plans.show", plan_id=plan.id))
    return render_template("plans/outcome_form.html", plan=plan, form=form, problem=problem, title="Add an outcome")


@bp.post("/plans/<int:plan_id>/outcomes/<int:outcome_id>/remove")
@login_required
def remove_outcome(plan_id: int, outcome_id: int):
    plan = get_plan(plan_id, "holder.write_plan")
    outcome = db.session.get(PlanOutcome, outcome_id)
    if outcome is None or outcome.plan_id != plan.id or not ConfirmForm().validate_on_submit():
        abort(404)
    try:
        service.remove_outcome(current_user, outcome)
    except DomainError as error:
        flash(error.message, "info")
    return redirect(url_for("plans.show", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/submit", methods=["GET", "POST"])
@login_required
def submit(plan_id: int):
    plan = get_plan(plan_id, "holder.write_plan")
    form = ConfirmForm()
    problem = None
    if form.validate_on_submit():
        try:
            service.submit(current_user, plan)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash(f"The plan has gone to {LEVEL_LABELS[plan.waiting_on]}. They aim to decide by {plan.expected_by:%-d %B %Y}.", "success")
            return redirect(url_for("plans.money", holder_id=plan.holder_id))
    return render_template("plans/submit.html", plan=plan, form=form, problem=problem, level=service.required_level(plan),
                           levels=LEVEL_LABELS, title="Send the plan for a decision")


@bp.get("/council/plans")
@login_required
def workspace():
    council = council_page("council.plans")
    waiting = service.waiting_for_decision(council)
    return render_template("plans/workspace.html", council=council, waiting=waiting, levels=LEVEL_LABELS,
                           reviews=reviews.waiting_in(council), title="Plans waiting for a decision", today=clock.today())


@bp.route("/plans/<int:plan_id>/decide", methods=["GET", "POST"])
@login_required
def decide(plan_id: int):
    plan = get_plan(plan_id, "plan.decide")
    form = DecisionForm()
    problem = None
    if form.validate_on_submit():
        try:
            service.decide(current_user, plan, form.decision.data, form.reason.data, as_panel=bool(form.as_panel.data))
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash(f"Decision saved: {plan.status_label.lower()}.", "success")
            return redirect(url_for("plans.workspace"))
    budget = plan.budget
    return render_template("plans/decide.html", plan=plan, form=form, problem=problem, budget=budget, taxonomy=taxonomy,
                           level=plan.waiting_on or service.required_level(plan), levels=LEVEL_LABELS, writers=WRITERS,
                           summary=money_summary(budget), title=f"Decide: {plan.holder.name}'s plan")


@bp.route("/holders/<int:holder_id>/budgets/new", methods=["GET", "POST"])
@login_required
def new_budget(holder_id: int):
    holder = load(Holder, holder_id, "holder.manage_budget")
    form = BudgetForm()
    if request.method == "GET":
        form.funding_schedule.data = holder.council.payment_cycle
    problem = None
    if form.validate_on_submit():
        try:
            budget = budgets.create_budget(current_user, holder, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                           indicative_budget_pence=form.indicative.pence, contribution_pence=form.contribution.pence or 0,
                                           deployment_option=form.deployment_option.data, funding_schedule=form.funding_schedule.data,
                                           budget_manager_name=form.budget_manager_name.data or None)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash("Budget set up. The plan can now be written.", "success")
            return redirect(url_for("plans.money", holder_id=budget.holder_id))
    return render_template("plans/budget_form.html", holder=holder, form=form, problem=problem, title="Set up a budget")


@bp.route("/budgets/<int:budget_id>/deployment", methods=["GET", "POST"])
@login_required
def deployment(budget_id: int):
    budget = get_budget(budget_id, "holder.manage_budget_option")
    form = DeploymentForm()
    holders_of_funds = providers.approved_in(budget.council)
    form.isf_provider.choices = options([(0, "Choose a provider")] + [(o.id, o.name) for o in holders_of_funds])
    if request.method == "GET":
        form.effective_on.data = clock.today()
    problem = None
    if form.validate_on_submit():
        try:
            budgets.switch_deployment(current_user, budget, form.to_option.data, form.effective_on.data, form.reason.data,
                                      form.budget_manager_name.data or None,
                                      next((o for o in holders_of_funds if o.id == form.isf_provider.data), None))
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash(f"From {form.effective_on.data:%-d %B %Y} the money is held as: {budget.deployment_label}. "
                  "Nothing needs to be assessed again and the money left carries over.", "success")
            return redirect(url_for("plans.money", holder_id=budget.holder_id))
    return render_template("plans/deployment.html", budget=budget, form=form, problem=problem, title="Change who holds the money",
                           options=DEPLOYMENT_OPTIONS)


@bp.get("/budgets/<int:budget_id>/ledger")
@login_required
def statement(budget_id: int):
    budget = get_budget(budget_id)
    return render_template("plans/ledger.html", budget=budget, lines=statement_lines(budget),
                           balances=ledger.balances(budget.id), title=f"Money in and out: {budget.holder.name}")


@bp.route("/holders/<int:holder_id>/plan-review", methods=["GET", "POST"])
@login_required
def ask_review(holder_id: int):
    """Ask the council to look at the plan again, saying why."""
    holder = load(Holder, holder_id, "holder.write_plan")
    form = ReviewRequestForm()
    problem = None
    if form.validate_on_submit():
        try:
            request_ = reviews.ask(current_user, holder, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash(f"Your request has gone to {request_.waiting_on}. They aim to answer by {request_.expected_by:%-d %B %Y}. "
                  "You will see the answer on this page, and we will email you.", "success")
            return redirect(url_for("plans.money", holder_id=holder.id, _anchor="review"))
    return render_template("plans/ask_review.html", holder=holder, form=form, problem=problem, waiting=reviews.waiting_request(holder),
                           contact=holder.named_contact, days=reviews.REVIEW_DAYS, title=f"Ask for a review of the plan: {holder.name}")


@bp.route("/plan-reviews/<int:review_id>", methods=["GET", "POST"])
@login_required
def review(review_id: int):
    """A request for a review, for the council's care staff to read and answer."""
    request_ = load(PlanReviewRequest, review_id, "council.plans", via=lambda r: r.council)
    form = ReviewAnswerForm()
    problem = None
    if request_.is_waiting and form.validate_on_submit():
        try:
            reviews.answer(current_user, request_, form.answer.data)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash(f"Answer sent to {request_.holder.name}.", "success")
            return redirect(url_for("plans.workspace"))
    return render_template("plans/review.html", review=request_, form=form, problem=problem, today=clock.today(),
                           title=f"Request for a review: {request_.holder.name}")
