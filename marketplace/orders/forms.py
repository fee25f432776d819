"""Forms for ordering, provider actions, confirmation and enquiries."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..fields import DateField, QuantityField, options
from .models import WEEKDAYS

DAY_CHOICES = list(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")))


class AddToBasketForm(FlaskForm):
    holder_id = SelectField("Who is it for?", widget=GovSelect(), coerce=int, validators=[InputRequired("Choose who it is for")])
    quantity = QuantityField("How many?", widget=GovTextInput(), validators=[InputRequired("Enter how many you need")])
    outcome_key = RadioField("Which outcome in the plan is it for?", widget=GovRadioInput(),
                             validators=[InputRequired("Choose which outcome it is for")])
    recurring = RadioField("How often?", widget=GovRadioInput(), default="once",
                           choices=options([("once", "Once"), ("weekly", "Every week, on the days I choose")]))
    days = SelectMultipleField("Which days?", widget=GovCheckboxesInput(), choices=options(DAY_CHOICES), validators=[Optional()])
    starts_on = DateField("Starting from", widget=GovDateInput(), validators=[Optional()])
    ends_on = DateField("Until (optional)", widget=GovDateInput(),
                           description="Leave empty to carry on until the end of the plan year.", validators=[Optional()])
    submit = SubmitField("Add to basket", widget=GovSubmitInput())

    def validate_days(self, field):
        if self.recurring.data == "weekly" and not field.data:
            raise ValidationError("Choose at least one day")

    def validate_starts_on(self, field):
        if self.recurring.data == "weekly" and not field.data:
            raise ValidationError("Enter the date the support starts")


class CheckoutForm(FlaskForm):
    submission_key = HiddenField(validators=[InputRequired(), Length(min=16, max=40)])
    note = TextAreaField("Anything the provider should know (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Place order", widget=GovSubmitInput())


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason (the person will read this)", widget=GovTextArea(),
                           validators=[InputRequired("Give a reason"), Length(max=2000)])
    submit = SubmitField("Send", widget=GovSubmitInput())


class ApprovalForm(FlaskForm):
    decision = RadioField("Decision", widget=GovRadioInput(), validators=[InputRequired("Choose a decision")],
                          choices=options([("approve", "Approve: send it to the provider"), ("reject", "Do not approve")]))
    reason = TextAreaField("Reason (needed if you do not approve)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Save decision", widget=GovSubmitInput())


class DeliveryForm(FlaskForm):
    quantity = QuantityField("Hours or number actually delivered (for a timesheet)", widget=GovTextInput(),
                             description="Leave empty if it was delivered as booked.", validators=[Optional()])
    note = TextAreaField("Delivery note (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Record delivery", widget=GovSubmitInput())


class CancelForm(FlaskForm):
    scope = RadioField("What do you want to cancel?", widget=GovRadioInput(), default="all",
                       choices=options([("all", "Everything not yet delivered"), ("from", "Dates from a day I choose")]))
    from_date = DateField("From", widget=GovDateInput(), validators=[Optional()])
    submit = SubmitField("Yes, cancel", widget=GovSubmitInput())

    def validate_from_date(self, field):
        if self.scope.data == "from" and not field.data:
            raise ValidationError("Enter the first date to cancel")


class EnquiryForm(FlaskForm):
    question = TextAreaField("Your question", widget=GovTextArea(), description="For example: are you free on Tuesday mornings?",
                             validators=[InputRequired("Write your question"), Length(max=2000)])
    submit = SubmitField("Send question", widget=GovSubmitInput())


class AnswerForm(FlaskForm):
    answer = TextAreaField("Your answer", widget=GovTextArea(), validators=[InputRequired("Write your answer"), Length(max=2000)])
    submit = SubmitField("Send answer", widget=GovSubmitInput())


class AmendmentForm(FlaskForm):
    from_date = DateField("From", widget=GovDateInput(), description="A date after today.",
                             validators=[InputRequired("Enter the date the change starts")])
    days = SelectMultipleField("Which days?", widget=GovCheckboxesInput(), choices=options(DAY_CHOICES),
                               validators=[InputRequired("Choose at least one day")])
    quantity = QuantityField("How much each time?", widget=GovTextInput(), description="Hours, sessions or items, like 2 or 1.5.",
                             validators=[InputRequired("Enter how much each time")])
    reason = TextAreaField("Why (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Send the change", widget=GovSubmitInput())
