"""Ordering pages for buyers, providers and coordinators. Thin: each route loads its object through
the policy (``web.load``), calls one service function and renders or redirects."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from catalogue.models import Listing

from .. import clock
from ..errors import DomainError
from ..extensions import db
from ..fields import options
from ..forms import ConfirmForm
from ..holders import service as holders
from ..holders.models import CONTACT_CHANNELS, Holder
from ..money import format_pence
from ..policy import can, require
from ..pricing.service import price_for
from ..providers import service as providers
from ..web import attempt, council_page, id_arg, load
from . import amendments, delivery, enquiries, lifecycle, queries
from .basket import add_to_basket, remove_from_basket
from .forms import (
    AddToBasketForm,
    AmendmentForm,
    AnswerForm,
    ApprovalForm,
    CancelForm,
    CheckoutForm,
    DeclineForm,
    DeliveryForm,
    EnquiryForm,
    ReasonForm,
)
from .models import BasketItem, Enquiry, Occurrence, Order, OrderLine, ScheduleAmendment
from .placing import place
from .quote import CheckoutContext, OrderDoesNotFit, quote

bp = Blueprint("orders", __name__)


def holders_i_can_order_for() -> list[Holder]:
    own = holders.holder_for_user(current_user)
    found = ([own] if own is not None else []) + holders.holders_acting_for(current_user)
    return [h for h in dict.fromkeys(found) if can(current_user, "holder.order", h)]


def _back_to_order(order: Order):
    return redirect(url_for("orders.show", order_id=order.id))


def _form_problems(form) -> str:
    return " ".join(e for errors in form.errors.values() for e in errors)


@bp.route("/orders/new", methods=["GET", "POST"])
@login_required
def new():
    """The order form for one person. Someone who orders for several people (a broker, a
    representative) first says who it is for, on its own step, so the outcomes offered are always
    that person's; the choice travels in the address (``holder``), so it works without JavaScript."""
    listing = _orderable_listing(id_arg("listing") or 0)
    choices = holders_i_can_order_for()
    if not choices:
        abort(403)
    asked_for = request.args.get("holder")
    holder = next((h for h in choices if h.id == id_arg("holder")), None)
    if asked_for and holder is None:
        abort(403)  # someone this person may not order for: never switched silently to someone else
    holder = holder or (choices[0] if len(choices) == 1 else None)
    if holder is None:
        return render_template("orders/choose_holder.html", listing=listing, choices=choices,
                               problem="Choose who it is for" if request.args.get("step") else None,
                               title=f"Who is it for? Order: {listing.title}")
    require(current_user, "holder.order", holder)
    plan = CheckoutContext.for_holder(holder).plan
    form = AddToBasketForm()
    form.outcome_key.choices = options([(o.key, o.own_words) for o in plan.outcomes] if plan else [])
    if not form.is_submitted():
        form.quantity.data = "1"
        form.once_on.data = form.starts_on.data = clock.today()
    problem = None
    if plan and form.validate_on_submit():
        _, problem = attempt(lambda: add_to_basket(current_user, holder, listing, form.quantity.decimal, form.outcome_key.data,
                                                form.when()))
        if problem is None:
            if quote(current_user, holder).outcome == "fits":  # else the basket says, once, what will happen
                flash(f"\u201c{listing.title}\u201d is in the basket.", "success")
            return redirect(url_for("orders.basket", holder_id=holder.id))
    return render_template("orders/new.html", form=form, listing=listing, holder=holder, plan=plan, problem=problem,
                           others=len(choices) > 1, price=price_for(listing, holder.council),
                           title=f"Order for {holder.name}: {listing.title}" if len(choices) > 1 else f"Order: {listing.title}")


def _orderable_listing(listing_id: int) -> Listing:
    """A listing that can be ordered or asked about: published, by an organisation (404 otherwise)."""
    listing = db.session.get(Listing, listing_id)
    if listing is None or not listing.is_published or listing.organisation is None:
        abort(404)
    return listing


@bp.get("/holders/<int:holder_id>/basket")
@login_required
def basket(holder_id: int):
    holder = load(Holder, holder_id, "holder.order")
    context = CheckoutContext.for_holder(holder)
    checked = quote(current_user, holder, context=context)
    return render_template("orders/basket.html", holder=holder, quote=checked,
                           form=CheckoutForm(submission_key=secrets.token_hex(16)), budget=context.budget,
                           recent=[] if checked.lines else queries.placed_recently(current_user, holder),
                           confirm_form=ConfirmForm(), title="Your basket")


@bp.post("/holders/<int:holder_id>/basket/<int:item_id>/remove")
@login_required
def remove(holder_id: int, item_id: int):
    holder = load(Holder, holder_id, "holder.order")
    item = load(BasketItem, item_id, "holder.order", via=lambda i: i.holder)
    if item.holder_id != holder.id or not ConfirmForm().validate_on_submit():
        abort(404)
    remove_from_basket(current_user, item)
    flash("Removed from the basket.", "success")
    return redirect(url_for("orders.basket", holder_id=holder.id))


@bp.post("/holders/<int:holder_id>/checkout")
@login_required
def checkout(holder_id: int):
    holder = load(Holder, holder_id, "holder.order")
    form = CheckoutForm()
    if not form.validate_on_submit():
        flash("Something went wrong with the form. Please try again.", "info")
        return redirect(url_for("orders.basket", holder_id=holder.id))
    try:
        placed = place(current_user, holder, form.submission_key.data, form.note.data)
    except OrderDoesNotFit as error:
        db.session.rollback()
        return render_template("orders/basket.html", holder=holder, quote=error.quote, form=form,
                               budget=CheckoutContext.for_holder(holder).budget, confirm_form=ConfirmForm(),
                               problem=error.message, title="Your basket"), 409
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "info")
        return redirect(url_for("orders.basket", holder_id=holder.id))
    return render_template("orders/placed.html", holder=holder, orders=placed, title="Order placed")


@bp.get("/holders/<int:holder_id>/orders")
@login_required
def for_holder(holder_id: int):
    holder = load(Holder, holder_id, "holder.view")
    return render_template("orders/list.html", holder=holder, orders=queries.orders_for_holder(holder), title=f"Orders: {holder.name}")


@bp.get("/orders/<int:order_id>")
@login_required
def show(order_id: int):
    order = queries.load_for_page(load(Order, order_id, "order.view"))
    invoices = [i for i in order.invoices if can(current_user, "invoice.view", i)]
    proposable = [line for line in order.lines if amendments.can_propose(current_user, line)]
    return render_template("orders/show.html", order=order, today=clock.today(), confirm_form=ConfirmForm(),
                           order_invoices=sorted(invoices, key=lambda i: i.id), reason_form=ReasonForm(),
                           delivery_form=DeliveryForm(), approval_form=ApprovalForm(), can_record=delivery.can_record,
                           amendments=amendments.open_amendments(order), may_decide=amendments.may_decide,
                           proposable=proposable, contact_channels=CONTACT_CHANNELS, title=f"Order {order.id}")


@bp.post("/orders/<int:order_id>/accept")
@login_required
def accept(order_id: int):
    order = load(Order, order_id, "order.provide")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _, problem = attempt(lambda: lifecycle.accept(current_user, order))
    flash(problem or "Accepted. The buyer has been told.", "info" if problem else "success")
    return _back_to_order(order)


def _reason_page(order: Order, call, success: str, *, title: str, heading: str, action: str, then=None, form=None):
    """A page asking for a reason (decline, dispute, withdraw): on a valid form run ``call(form)``."""
    form = form or ReasonForm()
    problem = None
    if form.validate_on_submit():
        _, problem = attempt(lambda: call(form))
        if problem is None:
            flash(success, "success")
            return then or _back_to_order(order)
    return render_template("orders/reason.html", order=order, form=form, problem=problem, title=title, heading=heading,
                           action=action)


@bp.route("/orders/<int:order_id>/decline", methods=["GET", "POST"])
@login_required
def decline(order_id: int):
    order = load(Order, order_id, "order.provide")
    return _reason_page(order, lambda form: lifecycle.decline(current_user, order, form.reason.data, form.kind.data),
                        "Declined. The money is back in the person's budget and they have been told.",
                        title="Decline this order", heading=f"Decline order {order.id}?",
                        action=url_for("orders.decline", order_id=order.id), form=DeclineForm())


@bp.route("/orders/<int:order_id>/approval", methods=["GET", "POST"])
@login_required
def approval(order_id: int):
    order = load(Order, order_id, "order.approve")
    form = ApprovalForm()
    problem = None
    if form.validate_on_submit():
        _, problem = attempt(lambda: lifecycle.approve(current_user, order, form.decision.data == "approve", form.reason.data))
        if problem is None:
            flash("Decision saved and the person told.", "success")
            return redirect(url_for("orders.council_queue"))
    return render_template("orders/approval.html", order=order, form=form, problem=problem, today=clock.today(),
                           context=queries.approval_context(order), title=f"Approve order {order.id}?")


@bp.route("/orders/<int:order_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(order_id: int):
    order = load(Order, order_id, "holder.order", via=lambda o: o.holder)
    form = CancelForm()
    problem = None
    if form.validate_on_submit():
        result, problem = attempt(lambda: lifecycle.cancel(current_user, order,
                                                           form.from_date.data if form.scope.data == "from" else None))
        if problem is None:
            message = f"Cancelled. {format_pence(result['released'])} is back in the budget."
            if result["charged"]:
                message += f" The provider may charge {format_pence(result['charged'])} because it was inside their notice period."
            flash(message, "success")
            return _back_to_order(order)
    return render_template("orders/cancel.html", order=order, form=form, problem=problem, title=f"Cancel order {order.id}?")


@bp.post("/occurrences/<int:occurrence_id>/deliver")
@login_required
def deliver(occurrence_id: int):
    occurrence = load(Occurrence, occurrence_id, "order.provide", via=lambda o: o.order)
    form = DeliveryForm()
    if form.validate_on_submit():
        _, problem = attempt(lambda: delivery.record_delivery(current_user, occurrence,
                                                            form.quantity.decimal if form.quantity.data else None, form.note.data))
        flash(problem or "Delivery recorded. The buyer has been asked to confirm it.", "info" if problem else "success")
    else:
        flash(_form_problems(form), "info")
    return _back_to_order(occurrence.order)


@bp.post("/occurrences/<int:occurrence_id>/confirm")
@login_required
def confirm(occurrence_id: int):
    occurrence = load(Occurrence, occurrence_id, "order.confirm", via=lambda o: o.order)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _, problem = attempt(lambda: delivery.confirm(current_user, occurrence))
    flash(problem or "Thank you: delivery confirmed. The provider can now be paid.", "info" if problem else "success")
    return _back_to_order(occurrence.order)


@bp.route("/occurrences/<int:occurrence_id>/dispute", methods=["GET", "POST"])
@login_required
def dispute(occurrence_id: int):
    occurrence = load(Occurrence, occurrence_id, "order.confirm", via=lambda o: o.order)
    return _reason_page(occurrence.order, lambda form: delivery.dispute(current_user, occurrence, form.reason.data),
                        "We have told the provider. Nothing will be paid for this until it is sorted out.",
                        title="Something wrong?", heading=f"What was wrong with {occurrence.on:%-d %B}?",
                        action=url_for("orders.dispute", occurrence_id=occurrence.id))


@bp.route("/occurrences/<int:occurrence_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(occurrence_id: int):
    occurrence = load(Occurrence, occurrence_id, "order.provide", via=lambda o: o.order)
    return _reason_page(occurrence.order, lambda form: delivery.withdraw_delivery(current_user, occurrence, form.reason.data),
                        "Withdrawn. The money is back in the person's budget.",
                        title="Withdraw this delivery", heading="Withdraw this delivery?",
                        action=url_for("orders.withdraw", occurrence_id=occurrence.id))


# --- changing a schedule ----------------------------------------------------------------------

@bp.route("/order-lines/<int:line_id>/change", methods=["GET", "POST"])
@login_required
def propose_amendment(line_id: int):
    line = load(OrderLine, line_id, "order.change_schedule", via=lambda l: l.order)
    if not amendments.can_propose(current_user, line):
        raise DomainError("This order's schedule can no longer be changed: only an accepted schedule can be.")
    form = AmendmentForm()
    if not form.is_submitted():
        form.days.data = list(line.schedule.get("days", []))
        form.quantity.data = f"{line.quantity_centi / 100:g}"
    problem = None
    if form.validate_on_submit():
        _, problem = attempt(lambda: amendments.propose(current_user, line, form.from_date.data, form.days.data,
                                                     form.quantity.decimal, form.reason.data))
        if problem is None:
            flash("Your change has been sent. It happens only if the other side agrees.", "success")
            return _back_to_order(line.order)
    return render_template("orders/amend.html", line=line, order=line.order, form=form, problem=problem,
                           title=f"Change the schedule: {line.title}")


@bp.post("/amendments/<int:amendment_id>/<decision>")
@login_required
def decide_amendment(amendment_id: int, decision: str):
    amendment = load(ScheduleAmendment, amendment_id, "order.change_schedule", via=lambda a: a.line.order)
    if decision not in ("agree", "refuse", "withdraw"):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if decision == "withdraw":
        _, problem = attempt(lambda: amendments.withdraw(current_user, amendment))
        done = "Change withdrawn."
    else:
        _, problem = attempt(lambda: amendments.decide(current_user, amendment, decision == "agree"))
        done = "Change agreed." if decision == "agree" else "Change refused."
    flash(problem or done, "info" if problem else "success")
    return _back_to_order(amendment.line.order)


# --- queues -------------------------------------------------------------------------------------

@bp.get("/provider/orders")
@login_required
def inbox():
    organisations = providers.organisations_of(current_user, "organisation.orders")
    if not organisations:
        abort(403)
    return render_template("orders/inbox.html", title="Orders",
                           new_orders=queries.orders_for_organisations(organisations, ("placed",)),
                           current=queries.orders_for_organisations(organisations, ("accepted",)),
                           past=queries.orders_for_organisations(
                               organisations, ("delivered", "invoiced", "paid", "declined", "cancelled"), limit=50))


@bp.get("/council/orders")
@login_required
def council_queue():
    council = council_page("council.plans")
    return render_template("orders/council_queue.html", council=council, waiting=queries.awaiting_approval(council),
                           unconfirmed=queries.unconfirmed(council_id=council.id), title="Orders to check")


@bp.get("/caseload")
@login_required
def caseload():
    """A broker's caseload: each person's money left and what waits, and deliveries nobody has
    confirmed for a fortnight, in a fixed number of queries."""
    require(current_user, "caseload.view")
    caseload_holders = holders.holders_acting_for(current_user)
    return render_template("holders/caseload.html", rows=queries.caseload(caseload_holders), title="Your caseload",
                           unconfirmed=queries.unconfirmed(holder_ids=[h.id for h in caseload_holders]))



# --- questions before ordering ------------------------------------------------------------------

@bp.route("/catalogue/listings/<int:listing_id>/ask", methods=["GET", "POST"])
@login_required
def ask(listing_id: int):
    listing = _orderable_listing(listing_id)
    require(current_user, "account.own")
    form = EnquiryForm()
    if form.validate_on_submit():
        # File it against the person only when there is no doubt who it is for.
        candidates = holders_i_can_order_for()
        enquiries.ask(current_user, listing, form.question.data, holder=candidates[0] if len(candidates) == 1 else None,
                      link=url_for("orders.enquiries"))
        flash("Your question has been sent. You will see the answer under Questions, and we will email you.", "success")
        return redirect(url_for("catalogue.listing", listing_id=listing.id))
    return render_template("orders/ask.html", listing=listing, form=form, title=f"Ask about {listing.title}")


@bp.get("/enquiries", endpoint="enquiries")
@login_required
def enquiries_page():
    require(current_user, "account.own")
    received = enquiries.received_by(providers.organisations_of(current_user, "organisation.orders"))
    return render_template("orders/enquiries.html", asked=enquiries.asked_by(current_user), received=received,
                           form=AnswerForm(), title="Questions")


@bp.post("/enquiries/<int:enquiry_id>/answer")
@login_required
def answer(enquiry_id: int):
    enquiry = load(Enquiry, enquiry_id, "enquiry.answer")
    form = AnswerForm()
    if form.validate_on_submit():
        enquiries.answer(current_user, enquiry, form.answer.data, link=url_for("orders.enquiries"))
        flash("Answer sent.", "success")
    else:
        flash("Write your answer, then press Send answer.", "info")
    return redirect(url_for("orders.enquiries"))
