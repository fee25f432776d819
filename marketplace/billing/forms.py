"""Forms for invoices: paying, crediting, disputing, answering and refunding."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..fields import DateField, PoundsField, options, today


class ManualPaymentForm(FlaskForm):
    method = RadioField("How was it paid?", widget=GovRadioInput(), default="bacs", validators=[InputRequired("Choose how it was paid")],
                        choices=options([("bacs", "Bank transfer"), ("standing_order", "Standing order")]))
    reference = StringField("Bank reference", widget=GovTextInput(), validators=[InputRequired("Enter the bank reference"), Length(max=100)])
    paid_on = DateField("Date paid", widget=GovDateInput(), latest=today, validators=[InputRequired("Enter the date it was paid")])
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
                            choices=options([("upheld", "The invoice was wrong: credit it"), ("rejected", "The invoice stands")]))
    credit = PoundsField("Credit in pounds (leave empty to credit all of it)", widget=GovTextInput(), validators=[Optional()])
    note = TextAreaField("Note", widget=GovTextArea(), validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Record outcome", widget=GovSubmitInput())


class RefundForm(FlaskForm):
    amount = PoundsField("Amount to give back, in pounds", widget=GovTextInput(), validators=[InputRequired("Enter the amount")])
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[InputRequired("Give a reason"), Length(max=1000)])
    reference = StringField("Bank reference of the money you paid back (for a bank payment)", widget=GovTextInput(),
                            validators=[Optional(), Length(max=100)])
    submit = SubmitField("Give the money back", widget=GovSubmitInput(), render_kw={"class": "govuk-button--warning"})
