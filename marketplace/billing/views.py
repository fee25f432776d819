"""Invoices, payments, refunds, remittance advice, the provider's finance view and council payment
runs. Thin: each route loads its object through the policy and calls one service function."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from .. import clock, links
from ..forms import ConfirmForm
from ..holders.models import Holder
from ..policy import can
from ..providers import service as providers
from ..providers.models import Organisation
from ..web import attempt, council_page, load
from . import corrections, finance, payments
from .forms import AnswerForm, CardPaymentForm, CreditNoteForm, DisputeForm, ManualPaymentForm, RefundForm, ResolveForm
from .gateways.manual import payment_run_csv
from .models import Invoice, InvoiceDispute, Payment, PaymentRun
from .pdf import invoice_pdf

bp = Blueprint("billing", __name__)


def _back(invoice: Invoice):
    return redirect(url_for("billing.show", invoice_id=invoice.id))


def _act(invoice: Invoice, form: FlaskForm, call, success: str, slot: str | None = None):
    """Run one service call for a submitted form. Done: say so and go back to the invoice. Refused or
    not filled in right: the invoice page again, with the form (in its ``slot`` on the page) as the
    person filled it in and what to put right in the error summary."""
    problem = None
    if form.validate_on_submit():
        _, problem = attempt(call)
        if problem is None:
            flash(success, "success")
            return _back(invoice)
    if slot is None:  # a one-button form: nothing typed to keep
        flash(problem or "That did not work. Please try again.", "info")
        return _back(invoice)
    return _page(invoice, slot, form, problem)


def _page(invoice: Invoice, slot: str | None = None, failed: FlaskForm | None = None, problem: str | None = None):
    forms = {"confirm_form": ConfirmForm(formdata=None), "manual_form": ManualPaymentForm(formdata=None, paid_on=clock.today()),
             "credit_form": CreditNoteForm(formdata=None), "dispute_form": DisputeForm(formdata=None),
             "answer_form": AnswerForm(formdata=None), "resolve_form": ResolveForm(formdata=None), "refund_form": RefundForm(formdata=None)}
    if slot is not None:
        forms[slot] = failed
    return render_template("billing/invoice.html", invoice=invoice, **forms, form=failed, problem=problem,
                           card_enabled=bool(current_app.config.get("STRIPE_PUBLISHABLE_KEY")),
                           open_payment=payments.open_payment(invoice), in_flight=payments.in_flight(invoice),
                           title=f"Invoice {invoice.reference}")


@bp.get("/invoices/<int:invoice_id>")
@login_required
def show(invoice_id: int):
    return _page(load(Invoice, invoice_id, "invoice.view"))


@bp.get("/invoices/<int:invoice_id>.pdf")
@login_required
def pdf(invoice_id: int):
    invoice = load(Invoice, invoice_id, "invoice.view")
    response = Response(invoice_pdf(invoice, full_bank_details=can(current_user, "invoice.pay", invoice)),
                        mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{invoice.reference}.pdf"'
    return response


@bp.post("/invoices/<int:invoice_id>/approve")
@login_required
def approve(invoice_id: int):
    invoice = load(Invoice, invoice_id, "invoice.approve")
    return _act(invoice, ConfirmForm(), lambda: payments.approve(current_user, invoice),
                "Approved. Now pay it, or it goes in the next payment run.")


@bp.post("/invoices/<int:invoice_id>/pay/manual")
@login_required
def pay_manual(invoice_id: int):
    invoice = load(Invoice, invoice_id, "invoice.pay")
    form = ManualPaymentForm()
    return _act(invoice, form, lambda: payments.pay(current_user, invoice, form.method.data, reference=form.reference.data,
                                                    paid_on=form.paid_on.data),
                "Payment recorded. The provider has been sent a remittance advice.", "manual_form")


@bp.route("/invoices/<int:invoice_id>/pay/card", methods=["GET", "POST"])
@login_required
def pay_card(invoice_id: int):
    invoice = load(Invoice, invoice_id, "invoice.pay")
    form = CardPaymentForm()
    problem = None
    if form.validate_on_submit():
        _, problem = attempt(lambda: payments.pay(current_user, invoice, "card", payment_method=form.payment_method.data))
        if problem is None:
            flash("Paid by card. Thank you.", "success")
            return _back(invoice)
    return render_template("billing/pay_card.html", invoice=invoice, form=form, problem=problem,
                           publishable_key=current_app.config.get("STRIPE_PUBLISHABLE_KEY"), title="Pay by card")


@bp.post("/invoices/<int:invoice_id>/pay/transfer")
@login_required
def pay_transfer(invoice_id: int):
    invoice = load(Invoice, invoice_id, "invoice.pay")
    return _act(invoice, ConfirmForm(), lambda: payments.pay(current_user, invoice, "stripe_transfer"),
                "Sent to the provider's Stripe account.")


@bp.post("/invoices/<int:invoice_id>/credit")
@login_required
def credit(invoice_id: int):
    invoice = load(Invoice, invoice_id, "invoice.credit")
    form = CreditNoteForm()
    return _act(invoice, form, lambda: corrections.issue_credit_note(current_user, invoice, form.amount.pence, form.reason.data),
                "Credit note issued. The money is back in the person's budget.", "credit_form")


@bp.post("/invoices/<int:invoice_id>/dispute")
@login_required
def dispute(invoice_id: int):
    invoice = load(Invoice, invoice_id, "invoice.approve")
    form = DisputeForm()
    return _act(invoice, form, lambda: corrections.dispute(current_user, invoice, form.reason.data),
                "We have told the provider. Nothing will be paid until it is sorted out.", "dispute_form")


@bp.post("/disputes/<int:dispute_id>/answer")
@login_required
def answer(dispute_id: int):
    record = load(InvoiceDispute, dispute_id, "invoice.credit", via=lambda d: d.invoice)
    form = AnswerForm()
    return _act(record.invoice, form, lambda: corrections.answer_dispute(current_user, record, form.answer.data), "Answer sent.",
                "answer_form")


@bp.post("/disputes/<int:dispute_id>/resolve")
@login_required
def resolve(dispute_id: int):
    record = load(InvoiceDispute, dispute_id, "dispute.resolve")
    form = ResolveForm()
    return _act(record.invoice, form, lambda: corrections.resolve_dispute(
        current_user, record, form.resolution.data == "upheld", form.note.data, form.credit.pence), "Outcome recorded.",
                "resolve_form")


@bp.post("/payments/<int:payment_id>/refund")
@login_required
def refund(payment_id: int):
    payment = load(Payment, payment_id, "invoice.refund", via=lambda p: p.invoice)
    form = RefundForm()
    return _act(payment.invoice, form, lambda: corrections.refund(current_user, payment, form.amount.pence, form.reason.data,
                                                                  form.reference.data),
                "Refunded. The money is back with whoever paid, and a credit note records it.", "refund_form")


@bp.get("/holders/<int:holder_id>/invoices")
@login_required
def for_holder(holder_id: int):
    holder = load(Holder, holder_id, "holder.view")
    return render_template("billing/list.html", holder=holder, invoices=finance.for_holder(holder), title=f"Invoices: {holder.name}")


@bp.get("/payments/<int:payment_id>/remittance")
@login_required
def remittance(payment_id: int):
    payment = load(Payment, payment_id, "invoice.view", via=lambda p: p.invoice)
    if payment.status != "succeeded":
        abort(404)
    return render_template("billing/remittance.html", payment=payment, invoice=payment.invoice, title="Remittance advice")


@bp.get("/provider/finance")
@login_required
def provider_finance():
    organisations = providers.organisations_of(current_user, "organisation.finance")
    if not organisations:
        abort(403)
    return render_template("billing/provider_finance.html", figures=finance.ageing(organisations),
                           payments=finance.recent_payments(organisations), today=clock.today(),
                           title="Invoices and payments")


@bp.route("/council/payments", methods=["GET", "POST"])
@login_required
def council_payments():
    council = council_page("council.finance")
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        run, problem = attempt(lambda: payments.start_payment_run(current_user, council, request.form.get("payer_kind", "council")))
        if problem:
            flash(problem, "info")
        else:
            flash(f"Payment run {run.id} made: download the file and upload it to the bank.", "success")
        return redirect(url_for("billing.council_payments"))
    return render_template("billing/council_payments.html", council=council, waiting=payments.waiting_for_council(council),
                           cannot_pay=payments.without_bank_details(council),
                           runs=payments.payment_runs(council), form=ConfirmForm(), today=clock.today(), title="Payments",
                           statements_month=f"{clock.today().replace(day=1) - timedelta(days=1):%B %Y}")  # the month just ended


@bp.get("/council/payment-runs/<int:run_id>.csv")
@login_required
def run_csv(run_id: int):
    run = load(PaymentRun, run_id, "council.finance", via=lambda r: r.council)
    response = Response(payment_run_csv(run.payments), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="payment-run-{run.id}.csv"'
    return response


@bp.post("/council/payment-runs/<int:run_id>/paid")
@login_required
def run_paid(run_id: int):
    run = load(PaymentRun, run_id, "council.finance", via=lambda r: r.council)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count, problem = attempt(lambda: payments.mark_run_paid(current_user, run, clock.today()))
    flash(problem or f"{count} payments recorded as paid.", "info" if problem else "success")
    return redirect(url_for("billing.council_payments"))


@bp.post("/provider/organisations/<int:organisation_id>/stripe")
@login_required
def connect_stripe(organisation_id: int):
    organisation = load(Organisation, organisation_id, "organisation.manage")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    link, problem = attempt(lambda: payments.connect_stripe(current_user, organisation,
                                                          refresh_url=links.url("portal.index"),
                                                          return_url=links.url("portal.index")))
    if problem:
        flash(problem, "info")
        return redirect(url_for("portal.index"))
    return redirect(link)
