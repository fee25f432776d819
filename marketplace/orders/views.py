"""Ordering pages for buyers, providers and coordinators. Thin: rules are in service.py."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from catalogue.listings import price_for
from catalogue.models import Listing

from .. import clock
from ..budgets.service import current_budget
from ..errors import DomainError
from ..extensions import db
from ..holders import service as holders
from ..holders.forms import ConfirmForm
from ..holders.models import Holder
from ..holders.views import get_holder
from ..money import format_pence
from ..plans.service import approved_plan
from ..policy import can, require
from ..web import current_council
from . import enquiries as enquiries_service
from . import service
from .forms import (AddToBasketForm, AnswerForm, ApprovalForm, CancelForm, CheckoutForm, DeliveryForm, EnquiryForm,
                    ReasonForm)
from .models import BasketItem, Enquiry, Occurrence, Order, ScheduleAmendment

bp = Blueprint("orders", __name__)


def get_order(order_id: int, action: str = "order.view") -> Order:
    order = db.session.get(Order, order_id)
    if order is None:
        abort(404)
    require(current_user, action, order)
    return order


def get_occurrence(occurrence_id: int, action: str) -> Occurrence:
    occurrence = db.session.get(Occurrence, occurrence_id)
    if occurrence is None:
        abort(404)
    require(current_user, action, occurrence.order)
    return occurrence


def holders_i_can_order_for() -> list[Holder]:
    own = holders.holder_for_user(current_user)
    found = ([own] if own is not None else []) + holders.holders_acting_for(current_user)
    return [h for h in dict.fromkeys(found) if can(current_user, "holder.order", h)]


def _back_to_order(order: Order):
    return redirect(url_for("orders.show", order_id=order.id))


@bp.route("/orders/new", methods=["GET", "POST"])
@login_required
def new():
    listing = db.session.get(Listing, request.args.get("listing", type=int) or 0)
    if listing is None or listing.status != "published":
        abort(404)
    choices = holders_i_can_order_for()
    if not choices:
        abort(403)
    form = AddToBasketForm()
    form.holder_id.choices = [(h.id, h.name) for h in choices]
    chosen_id = form.holder_id.data if form.is_submitted() else (request.args.get("holder", type=int) or choices[0].id)
    holder = next((h for h in choices if h.id == chosen_id), choices[0])
    budget = current_budget(holder)
    plan = approved_plan(budget) if budget else None
    form.outcome_key.choices = [(o.key, o.own_words) for o in plan.outcomes] if plan else []
    if not form.is_submitted():
        form.holder_id.data = holder.id
        form.quantity.data = "1"
        form.starts_on.data = clock.today()
    problem = None if plan else "There is no approved support plan yet, so nothing can be ordered for this person."
    if plan and form.validate_on_submit():
        schedule = None
        if form.recurring.data == "weekly":
            schedule = {"days": form.days.data, "starts_on": form.starts_on.data.isoformat(),
                        "ends_on": form.ends_on.data.isoformat() if form.ends_on.data else None}
        try:
            service.add_to_basket(current_user, holder, listing, form.quantity.decimal, form.outcome_key.data, schedule)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash(f"\u201c{listing.title}\u201d is in the basket.", "success")
            return redirect(url_for("orders.basket", holder_id=holder.id))
    return render_template("orders/new.html", form=form, listing=listing, holder=holder, plan=plan, problem=problem,
                           price=price_for(listing, holder.council), title=f"Order: {listing.title}")


@bp.get("/holders/<int:holder_id>/basket")
@login_required
def basket(holder_id: int):
    holder = get_holder(holder_id, "holder.order")
    checked = service.quote(current_user, holder)
    form = CheckoutForm(submission_key=secrets.token_hex(16))
    budget = current_budget(holder)
    return render_template("orders/basket.html", holder=holder, quote=checked, form=form, budget=budget,
                           confirm_form=ConfirmForm(), title="Your basket")


@bp.post("/holders/<int:holder_id>/basket/<int:item_id>/remove")
@login_required
def remove(holder_id: int, item_id: int):
    holder = get_holder(holder_id, "holder.order")
    item = db.session.get(BasketItem, item_id)
    if item is None or item.holder_id != holder.id or not ConfirmForm().validate_on_submit():
        abort(404)
    service.remove_from_basket(current_user, item)
    flash("Removed from the basket.", "success")
    return redirect(url_for("orders.basket", holder_id=holder.id))


@bp.post("/holders/<int:holder_id>/checkout")
@login_required
def checkout(holder_id: int):
    holder = get_holder(holder_id, "holder.order")
    form = CheckoutForm()
    if not form.validate_on_submit():
        flash("Something went wrong with the form. Please try again.", "info")
        return redirect(url_for("orders.basket", holder_id=holder.id))
    try:
        orders = service.place(current_user, holder, form.submission_key.data, form.note.data)
    except service.OrderDoesNotFit as error:
        db.session.rollback()
        return render_template("orders/basket.html", holder=holder, quote=error.quote, form=form, budget=current_budget(holder),
                               confirm_form=ConfirmForm(), problem=error.message, title="Your basket"), 409
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "info")
        return redirect(url_for("orders.basket", holder_id=holder.id))
    return render_template("orders/placed.html", holder=holder, orders=orders, title="Order placed")


@bp.get("/holders/<int:holder_id>/orders")
@login_required
def for_holder(holder_id: int):
    holder = get_holder(holder_id)
    return render_template("orders/list.html", holder=holder, orders=service.orders_for_holder(holder), title=f"Orders: {holder.name}")


@bp.get("/orders/<int:order_id>")
@login_required
def show(order_id: int):
    order = get_order(order_id)
    amendments = db.session.scalars(db.select(ScheduleAmendment).where(
        ScheduleAmendment.line_id.in_([line.id for line in order.lines] or [-1]), ScheduleAmendment.status == "proposed")).all()
    from ..billing.models import Invoice

    order_invoices = db.session.scalars(db.select(Invoice).filter_by(order_id=order.id).order_by(Invoice.id)).all()
    return render_template("orders/show.html", order=order, today=clock.today(), confirm_form=ConfirmForm(), order_invoices=order_invoices,
                           reason_form=ReasonForm(), delivery_form=DeliveryForm(), approval_form=ApprovalForm(),
                           amendments=amendments, title=f"Order {order.id}")


@bp.post("/orders/<int:order_id>/accept")
@login_required
def accept(order_id: int):
    order = get_order(order_id, "order.provide")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        service.accept(current_user, order)
        flash("Accepted. The buyer has been told.", "success")
    except DomainError as error:
        flash(error.message, "info")
    return _back_to_order(order)


@bp.route("/orders/<int:order_id>/decline", methods=["GET", "POST"])
@login_required
def decline(order_id: int):
    order = get_order(order_id, "order.provide")
    form = ReasonForm()
    problem = None
    if form.validate_on_submit():
        try:
            service.decline(current_user, order, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash("Declined. The money is back in the person's budget and they have been told.", "success")
            return _back_to_order(order)
    return render_template("orders/reason.html", order=order, form=form, problem=problem, title="Decline this order",
                           heading=f"Decline order {order.id}?", action=url_for("orders.decline", order_id=order.id))


@bp.route("/orders/<int:order_id>/approval", methods=["GET", "POST"])
@login_required
def approval(order_id: int):
    order = get_order(order_id, "order.approve")
    form = ApprovalForm()
    problem = None
    if form.validate_on_submit():
        try:
            service.approve(current_user, order, form.decision.data == "approve", form.reason.data)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash("Decision saved and the person told.", "success")
            return redirect(url_for("orders.council_queue"))
    return render_template("orders/approval.html", order=order, form=form, problem=problem, title=f"Approve order {order.id}?")


@bp.route("/orders/<int:order_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(order_id: int):
    order = get_order(order_id)
    require(current_user, "holder.order", order.holder)
    form = CancelForm()
    problem = None
    if form.validate_on_submit():
        try:
            result = service.cancel(current_user, order, form.from_date.data if form.scope.data == "from" else None)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            message = f"Cancelled. {format_pence(result['released'])} is back in the budget."
            if result["charged"]:
                message += f" The provider may charge {format_pence(result['charged'])} because it was inside their notice period."
            flash(message, "success")
            return _back_to_order(order)
    return render_template("orders/cancel.html", order=order, form=form, problem=problem, title=f"Cancel order {order.id}?")


@bp.route("/occurrences/<int:occurrence_id>/deliver", methods=["POST"])
@login_required
def deliver(occurrence_id: int):
    occurrence = get_occurrence(occurrence_id, "order.provide")
    form = DeliveryForm()
    if form.validate_on_submit():
        try:
            service.record_delivery(current_user, occurrence, form.quantity.decimal if form.quantity.data else None, form.note.data)
            flash("Delivery recorded. The buyer has been asked to confirm it.", "success")
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "info")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "info")
    return _back_to_order(occurrence.order)


@bp.post("/occurrences/<int:occurrence_id>/confirm")
@login_required
def confirm(occurrence_id: int):
    occurrence = get_occurrence(occurrence_id, "order.confirm")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        service.confirm(current_user, occurrence)
        flash("Thank you: delivery confirmed. The provider can now be paid.", "success")
    except DomainError as error:
        flash(error.message, "info")
    return _back_to_order(occurrence.order)


@bp.route("/occurrences/<int:occurrence_id>/dispute", methods=["GET", "POST"])
@login_required
def dispute(occurrence_id: int):
    occurrence = get_occurrence(occurrence_id, "order.confirm")
    form = ReasonForm()
    problem = None
    if form.validate_on_submit():
        try:
            service.dispute(current_user, occurrence, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash("We have told the provider. Nothing will be paid for this until it is sorted out.", "success")
            return _back_to_order(occurrence.order)
    return render_template("orders/reason.html", order=occurrence.order, form=form, problem=problem, title="Something wrong?",
                           heading=f"What was wrong with {occurrence.on:%-d %B}?",
                           action=url_for("orders.dispute", occurrence_id=occurrence.id))


@bp.route("/occurrences/<int:occurrence_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(occurrence_id: int):
    occurrence = get_occurrence(occurrence_id, "order.provide")
    form = ReasonForm()
    problem = None
    if form.validate_on_submit():
        try:
            service.withdraw_delivery(current_user, occurrence, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash("Withdrawn. The money is back in the person's budget.", "success")
            return _back_to_order(occurrence.order)
    return render_template("orders/reason.html", order=occurrence.order, form=form, problem=problem, title="Withdraw this delivery",
                           heading="Withdraw this delivery?", action=url_for("orders.withdraw", occurrence_id=occurrence.id))


@bp.post("/amendments/<int:amendment_id>/<decision>")
@login_required
def decide_amendment(amendment_id: int, decision: str):
    amendment = db.session.get(ScheduleAmendment, amendment_id)
    if amendment is None or decision not in ("agree", "refuse"):
        abort(404)
    require(current_user, "order.view", amendment.line.order)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        service.decide_amendment(current_user, amendment, decision == "agree")
        flash("Change agreed." if decision == "agree" else "Change refused.", "success")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "info")
    return _back_to_order(amendment.line.order)


@bp.get("/provider/orders")
@login_required
def inbox():
    organisation_ids = current_user.organisation_ids()
    if not organisation_ids:
        abort(403)
    new_orders = service.orders_for_organisations(organisation_ids, ("placed",))
    current = service.orders_for_organisations(organisation_ids, ("accepted",))
    past = service.orders_for_organisations(organisation_ids, ("delivered", "invoiced", "paid", "declined", "cancelled"))[:50]
    return render_template("orders/inbox.html", new_orders=new_orders, current=current, past=past, title="Orders")


@bp.get("/council/orders")
@login_required
def council_queue():
    council = current_council()
    if council is None:
        abort(403)
    require(current_user, "council.plans", council)
    return render_template("orders/council_queue.html", council=council, waiting=service.awaiting_approval(council),
                           unconfirmed=service.unconfirmed(council_id=council.id), title="Orders to check")


# --- enquiries ---------------------------------------------------------------------

@bp.route("/catalogue/listings/<int:listing_id>/ask", methods=["GET", "POST"])
@login_required
def ask(listing_id: int):
    listing = db.session.get(Listing, listing_id)
    if listing is None or listing.status != "published" or listing.organisation is None:
        abort(404)
    form = EnquiryForm()
    if form.validate_on_submit():
        # File it against the person only when there is no doubt who it is for.
        candidates = holders_i_can_order_for()
        enquiries_service.ask(current_user, listing, form.question.data, holder=candidates[0] if len(candidates) == 1 else None,
                              link=url_for("orders.enquiries"))
        flash("Your question has been sent. You will see the answer under Questions, and we will email you.", "success")
        return redirect(url_for("catalogue.listing", listing_id=listing.id))
    return render_template("orders/ask.html", listing=listing, form=form, title=f"Ask about {listing.title}")


@bp.get("/enquiries")
@login_required
def enquiries():
    asked = db.session.scalars(db.select(Enquiry).filter_by(asked_by_id=current_user.id).order_by(Enquiry.created_at.desc())).all()
    organisation_ids = current_user.organisation_ids()
    received = db.session.scalars(db.select(Enquiry).where(Enquiry.organisation_id.in_(organisation_ids or {-1}))
                                  .order_by(Enquiry.answered_at.is_not(None), Enquiry.created_at.desc())).all()
    return render_template("orders/enquiries.html", asked=asked, received=received, form=AnswerForm(), title="Questions")


@bp.post("/enquiries/<int:enquiry_id>/answer")
@login_required
def answer(enquiry_id: int):
    enquiry = db.session.get(Enquiry, enquiry_id)
    if enquiry is None:
        abort(404)
    require(current_user, "enquiry.answer", enquiry)
    form = AnswerForm()
    if form.validate_on_submit():
        enquiries_service.answer(current_user, enquiry, form.answer.data, link=url_for("orders.enquiries"))
        flash("Answer sent.", "success")
    else:
        flash("Write your answer, then press Send answer.", "info")
    return redirect(url_for("orders.enquiries"))
