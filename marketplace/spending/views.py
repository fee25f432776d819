"""Pages for spending outside the marketplace, its receipts, and the council's audit reports.
Thin: the rules are in spending/service.py, spending/uploads.py and spending/audit.py."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import clock
from ..budgets import service as budgets
from ..errors import DomainError
from ..extensions import db
from ..fields import options
from ..holders.models import Holder
from ..money import format_pence
from ..policy import require
from ..web import council_page, load
from . import audit, service
from .forms import NONE_OF_THESE, PurchaseForm
from .models import OutsidePurchase

bp = Blueprint("spending", __name__)
_QUARTER = re.compile(r"^(20[0-9]{2})-Q([1-4])$")


@bp.route("/holders/<int:holder_id>/spending/new", methods=["GET", "POST"])
@login_required
def record(holder_id: int):
    """Record something bought outside the marketplace, with its receipt where the council asks for one."""
    holder = load(Holder, holder_id, "holder.order")  # the holder, or whoever may order or manage for them
    budget = budgets.current_budget(holder)
    why_not = service.why_not_recordable(budget)
    form = PurchaseForm()
    problem = None
    if not why_not:
        form.outcome.choices = options([*service.outcome_choices(budget), (NONE_OF_THESE, "None of these")])
        form.category.choices = options([("", "Not saying"), *service.category_choices()])
        if form.validate_on_submit():
            upload = form.receipt.data
            data = upload.read(current_app.config["RECEIPT_MAX_BYTES"] + 1) if upload and getattr(upload, "filename", "") else None
            outcome = None if form.outcome.data == NONE_OF_THESE else form.outcome.data
            try:
                purchase = service.record_purchase(current_user, holder, description=form.description.data,
                                                   bought_on=form.bought_on.data, amount_pence=form.amount.pence,
                                                   outcome_key=outcome, receipt=data, category=form.category.data or None,
                                                   max_bytes=current_app.config["RECEIPT_MAX_BYTES"])
            except DomainError as error:  # InsufficientFunds too: the money is not there
                db.session.rollback()
                problem = error.message
            else:
                note = (" It is not in the plan, so your contact at the council has been told and may talk it through with you."
                        if purchase.outside_plan else "")
                flash(f"Recorded: {purchase.description}, {format_pence(purchase.amount_pence)}. It counts as spent from your budget.{note}",
                      "success")
                return redirect(url_for("spending.for_holder", holder_id=holder.id))
    return render_template("spending/record.html", holder=holder, budget=budget, form=form, problem=problem, why_not=why_not,
                           rule=service.receipt_rule_words(holder.council), title=f"Record something bought elsewhere: {holder.name}")


@bp.get("/holders/<int:holder_id>/spending")
@login_required
def for_holder(holder_id: int):
    """What was bought outside the marketplace, with each receipt."""
    holder = load(Holder, holder_id, "holder.view")
    budget = budgets.current_budget(holder)
    purchases = service.labelled(service.purchases_of(holder, budget), budget)
    return render_template("spending/for_holder.html", holder=holder, budget=budget, purchases=purchases,
                           why_not=service.why_not_recordable(budget), rule=service.receipt_rule_words(holder.council),
                           title=f"Bought outside the marketplace: {holder.name}")


@bp.get("/spending/<int:purchase_id>/receipt")
@login_required
def receipt(purchase_id: int):
    """The receipt, as a download only (never shown inline), kept by no browser or proxy."""
    purchase = load(OutsidePurchase, purchase_id, "receipt.view")
    if purchase.receipt is None:
        abort(404)
    kept = purchase.receipt
    response = Response(kept.data, mimetype=kept.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="receipt-{purchase.id}.{kept.stored_name.rsplit(".", 1)[-1]}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/council/audit")
@login_required
def council_audit():
    """Every holder's audit report in one list, those with most to look at first, and the quarterly return."""
    council = council_page("council.audit")
    today = clock.today()
    quarters = _recent_quarters(today)
    return render_template("spending/council_audit.html", council=council, reports=audit.council_overview(council, today),
                           quarters=quarters, title=f"Audit: {council.name}")


@bp.get("/holders/<int:holder_id>/audit")
@login_required
def holder_audit(holder_id: int):
    holder = db.session.get(Holder, holder_id)
    if holder is None:
        abort(404)
    require(current_user, "council.audit", holder.council)
    report = audit.holder_audit(holder, budgets.current_budget(holder))
    return render_template("spending/holder_audit.html", holder=holder, report=report, title=f"Audit report: {holder.name}")


@bp.get("/council/audit/return.csv")
@login_required
def quarterly_return():
    """The quarterly return as a CSV download (``?quarter=2026-Q3``; the last full quarter when not given)."""
    council = council_page("council.audit")
    chosen = _QUARTER.match(request.args.get("quarter", "")[:10])
    year, quarter = (int(chosen[1]), int(chosen[2])) if chosen else _recent_quarters(clock.today())[0]
    body = audit.return_csv(council, year, quarter)
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{council.slug}-return-{year}-Q{quarter}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _recent_quarters(today, count: int = 4) -> list[tuple[int, int]]:
    """The last ``count`` quarters that have ended, newest first, then the one under way."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    found = []
    for _ in range(count):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        found.append((year, quarter))
    current = (today.year, (today.month - 1) // 3 + 1)
    return found + [current]
