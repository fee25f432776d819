"""Invoices, payments, remittance advice, the provider's finance view and council payment runs."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import DateField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from .. import clock
from ..errors import DomainError
from ..extensions import db
from ..fields import PoundsField
from ..holders.forms import ConfirmForm
from ..holders.views import get_holder
from ..policy import can, require
from ..web import current_council
from . import service
from .gateways.manual import payment_run_csv
from .models import Invoice, InvoiceDispute, Payment, PaymentRun

bp = Blueprint("billing", __name__)


class ManualPaymentForm(FlaskForm):
    method = RadioField("How was it paid?", widget=GovRadioInput(), default="bacs", validators=[InputRequired("Choose how it was paid")],
                        choices=[("bacs", "Bank transfer (BACS)"), ("standing_order", "Standing order")])
    reference = StringField("Bank reference", widget=GovTextInput(), validators=[InputRequired("Enter the bank reference"), Length(max=100)])
    paid_on = DateField("Date paid", widget=GovDateInput(), format="%d %m %Y", validators=[InputRequired("Enter the date it was paid")])
    submit = SubmitField("Record payment", widget=GovSubmitInput())


class CardPaymentForm(FlaskForm):
    payment_method = HiddenField(validators=[InputRequired("Enter the card details")])
    submit = SubmitField("Pay by card", widget=GovSubmitInput())


class CreditNoteForm(FlaskForm):
    amount = PoundsField("Amount to credit, in pounds", widget=GovTextInput(), validators=[InputRequired("Enter the amount")])
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[InputRequired("Give a reason"), Length(max=1000)])
    submit = SubmitField("Issue credit note", widget=GovSubmitInput())


class DisputeForm(FlaskForm):
    reason = TextAreaField("What is wrong with this invoice?", widget=GovTextArea(), validators=[InputRequired("Say what is wrong"), Length(max=2000)])
    submit = SubmitField("Dispute the invoice", widget=GovSubmitInput())


class AnswerForm(FlaskForm):
    answer = TextAreaField("Your answer", widget=GovTextArea(), validators=[InputRequired("Write your answer"), Length(max=2000)])
    submit = SubmitField("Send answer", widget=GovSubmitInput())


class ResolveForm(FlaskForm):
    resolution = RadioField("Outcome", widget=GovRadioInput(), validators=[InputRequired("Choose the outcome")],
                            choices=[("upheld", "The invoice was wrong: credit it"), ("rejected", "The invoice stands")])
    credit = PoundsField("Credit in pounds (leave empty to credit all of it)", widget=GovTextInput(), validators=[Optional()])
    note = TextAreaField("Note", widget=GovTextArea(), validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Record outcome", widget=GovSubmitInput())


def get_invoice(invoice_id: int, action: str = "invoice.view") -> Invoice:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        abort(404)
    require(current_user, action, invoice)
    return invoice


def _back(invoice: Invoice):
    return redirect(url_for("billing.show", invoice_id=invoice.id))


def _act(invoice: Invoice, form: FlaskForm, action, success: str, invalid: str | None = None):
    """Run one service call for a submitted form: flash what happened, then back to the invoice."""
    if form.validate_on_submit():
        try:
            action()
            flash(success, "success")
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "info")
    else:
        flash(invalid or " ".join(e for errors in form.errors.values() for e in errors), "info")
    return _back(invoice)


@bp.get("/invoices/<int:invoice_id>")
@login_required
def show(invoice_id: int):
    invoice = get_invoice(invoice_id)
    manual = ManualPaymentForm()
    manual.paid_on.data = clock.today()
    return render_template("billing/invoice.html", invoice=invoice, confirm_form=ConfirmForm(), manual_form=manual,
                           credit_form=CreditNoteForm(), dispute_form=DisputeForm(), answer_form=AnswerForm(),
                           resolve_form=ResolveForm(), card_enabled=bool(current_app.config.get("STRIPE_PUBLISHABLE_KEY")),
                           open_payment=service.open_payment(invoice), in_flight=service.in_flight(invoice),
                           title=f"Invoice {invoice.reference}")


@bp.get("/invoices/<int:invoice_id>.pdf")
@login_required
def pdf(invoice_id: int):
    from .pdf import invoice_pdf

    invoice = get_invoice(invoice_id)
    response = Response(invoice_pdf(invoice), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{invoice.reference}.pdf"'
    return response


@bp.post("/invoices/<int:invoice_id>/approve")
@login_required
def approve(invoice_id: int):
    invoice = get_invoice(invoice_id, "invoice.approve")
    return _act(invoice, ConfirmForm(), lambda: service.approve(current_user, invoice),
                "Approved. Now pay it, or it goes in the next payment run.")


@bp.post("/invoices/<int:invoice_id>/pay/manual")
@login_required
def pay_manual(invoice_id: int):
    invoice = get_invoice(invoice_id, "invoice.pay")
    form = ManualPaymentForm()
    return _act(invoice, form, lambda: service.pay(current_user, invoice, form.method.data, reference=form.reference.data,
                                                   paid_on=form.paid_on.data),
                "Payment recorded. The provider has been sent a remittance advice.")


@bp.route("/invoices/<int:invoice_id>/pay/card", methods=["GET", "POST"])
@login_required
def pay_card(invoice_id: int):
    invoice = get_invoice(invoice_id, "invoice.pay")
    form = CardPaymentForm()
    problem = None
    if form.validate_on_submit():
        try:
            service.pay(current_user, invoice, "card", payment_method=form.payment_method.data)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash("Paid by card. Thank you.", "success")
            return _back(invoice)
    return render_template("billing/pay_card.html", invoice=invoice, form=form, problem=problem,
                           publishable_key=current_app.config.get("STRIPE_PUBLISHABLE_KEY"), title="Pay by card")


@bp.post("/invoices/<int:invoice_id>/pay/transfer")
@login_required
def pay_transfer(invoice_id: int):
    invoice = get_invoice(invoice_id, "invoice.pay")
    return _act(invoice, ConfirmForm(), lambda: service.pay(current_user, invoice, "stripe_transfer"),
                "Sent to the provider's Stripe account.")


@bp.post("/invoices/<int:invoice_id>/credit")
@login_required
def credit(invoice_id: int):
    invoice = get_invoice(invoice_id, "invoice.credit")
    form = CreditNoteForm()
    return _act(invoice, form, lambda: service.issue_credit_note(current_user, invoice, form.amount.pence, form.reason.data),
                "Credit note issued. The money is back in the person's budget.")


@bp.post("/invoices/<int:invoice_id>/dispute")
@login_required
def dispute(invoice_id: int):
    invoice = get_invoice(invoice_id, "invoice.approve")
    form = DisputeForm()
    return _act(invoice, form, lambda: service.dispute(current_user, invoice, form.reason.data),
                "We have told the provider. Nothing will be paid until it is sorted out.", "Say what is wrong with the invoice.")


@bp.post("/disputes/<int:dispute_id>/answer")
@login_required
def answer(dispute_id: int):
    record = db.session.get(InvoiceDispute, dispute_id) or abort(404)
    require(current_user, "invoice.credit", record.invoice)
    form = AnswerForm()
    if form.validate_on_submit():
        service.answer_dispute(current_user, record, form.answer.data)
        flash("Answer sent.", "success")
    return _back(record.invoice)


@bp.post("/disputes/<int:dispute_id>/resolve")
@login_required
def resolve(dispute_id: int):
    record = db.session.get(InvoiceDispute, dispute_id) or abort(404)
    require(current_user, "invoice.view", record.invoice)
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            service.resolve_dispute(current_user, record, form.resolution.data == "upheld", form.note.data, form.credit.pence)
            flash("Outcome recorded.", "success")
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "info")
    return _back(record.invoice)


@bp.get("/holders/<int:holder_id>/invoices")
@login_required
def for_holder(holder_id: int):
    holder = get_holder(holder_id)
    invoices = db.session.scalars(db.select(Invoice).filter_by(holder_id=holder.id).order_by(Invoice.issued_on.desc(), Invoice.id.desc())).all()
    return render_template("billing/list.html", holder=holder, invoices=invoices, title=f"Invoices: {holder.name}")


@bp.get("/payments/<int:payment_id>/remittance")
@login_required
def remittance(payment_id: int):
    payment = db.session.get(Payment, payment_id) or abort(404)
    require(current_user, "invoice.view", payment.invoice)
    if payment.status != "succeeded":
        abort(404)
    return render_template("billing/remittance.html", payment=payment, invoice=payment.invoice, title="Remittance advice")


@bp.get("/provider/finance")
@login_required
def provider_finance():
    organisation_ids = current_user.organisation_ids()
    if not organisation_ids:
        abort(403)
    figures = service.ageing(organisation_ids)
    payments = db.session.scalars(db.select(Payment).join(Invoice).where(
        Invoice.organisation_id.in_(organisation_ids), Payment.status == "succeeded").order_by(Payment.settled_at.desc()).limit(50)).all()
    return render_template("billing/provider_finance.html", figures=figures, payments=payments, today=clock.today(),
                           title="Invoices and payments")


@bp.route("/council/payments", methods=["GET", "POST"])
@login_required
def council_payments():
    council = current_council()
    if council is None:
        abort(403)
    require(current_user, "council.finance", council)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            run = service.start_payment_run(current_user, council, request.form.get("payer_kind", "council"))
            flash(f"Payment run {run.id} made: download the file and upload it to the bank.", "success")
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "info")
        return redirect(url_for("billing.council_payments"))
    waiting = db.session.scalars(db.select(Invoice).where(Invoice.council_id == council.id, Invoice.status.in_(("issued", "approved")),
                                                          Invoice.payer_kind.in_(("council", "budget_manager"))).order_by(Invoice.due_on)).all()
    runs = db.session.scalars(db.select(PaymentRun).filter_by(council_id=council.id).order_by(PaymentRun.created_at.desc()).limit(20)).all()
    return render_template("billing/council_payments.html", council=council, waiting=waiting, runs=runs, form=ConfirmForm(),
                           today=clock.today(), title="Payments")


@bp.get("/council/payment-runs/<int:run_id>.csv")
@login_required
def run_csv(run_id: int):
    run = db.session.get(PaymentRun, run_id) or abort(404)
    council = current_council()
    if council is None or council.id != run.council_id:
        abort(404)
    require(current_user, "council.finance", council)
    response = Response(payment_run_csv(run.payments), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="payment-run-{run.id}.csv"'
    return response


@bp.post("/council/payment-runs/<int:run_id>/paid")
@login_required
def run_paid(run_id: int):
    run = db.session.get(PaymentRun, run_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        count = service.mark_run_paid(current_user, run, clock.today())
        flash(f"{count} payments recorded as paid.", "success")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "info")
    return redirect(url_for("billing.council_payments"))


@bp.post("/provider/organisations/<int:organisation_id>/stripe")
@login_required
def connect_stripe(organisation_id: int):
    from catalogue.models import Organisation

    from .gateways.stripe import stripe_api

    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    require(current_user, "organisation.manage", organisation)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        if not organisation.stripe_account_id:
            account = stripe_api.create_connected_account(email=organisation.email or current_user.email,
                                                          idempotency_key=f"connect-org-{organisation.id}")
            organisation.stripe_account_id = account.id
            db.session.commit()
        link = stripe_api.create_account_link(account=organisation.stripe_account_id,
                                              refresh_url=url_for("portal.index", _external=True),
                                              return_url=url_for("portal.index", _external=True))
    except stripe_api.StripeFailure as failure:
        flash(failure.message, "info")
        return redirect(url_for("portal.index"))
    return redirect(link.url)
