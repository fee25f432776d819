"""Forms for ordering, provider actions, confirmation and enquiries."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from .. import clock
from ..fields import DateField, QuantityField, options, strip_whitespace
from .models import DAY_NAMES, DECLINE_KINDS, MOST_TIME_CHARACTERS

DAY_CHOICES = list(DAY_NAMES.items())


def _long_today() -> str:
    today = clock.today()
    return f"today, {today.day} {today:%B %Y},"


class AddToBasketForm(FlaskForm):
    """What to order for one person (who it is for is chosen before this form: see views.new)."""

    quantity = QuantityField("How many?", widget=GovTextInput(), validators=[InputRequired("Enter how many you need")])
    outcome_key = RadioField("Which outcome in the plan is it for?", widget=GovRadioInput(),
                             validators=[InputRequired("Choose which outcome it is for")])
    recurring = RadioField("How often?", widget=GovRadioInput(), default="once",
                           choices=options([("once", "Once"), ("weekly", "Every week, on the days I choose")]))
    once_on = DateField("When do you want it?", widget=GovDateInput(), validators=[Optional()],
                        description="For a session, the day it should happen; for equipment or a course, the day you "
                                    "would like it by. For example, 27 3 2027.")
    days = SelectMultipleField("Which days?", widget=GovCheckboxesInput(), choices=options(DAY_CHOICES), validators=[Optional()])
    starts_on = DateField("Starting from", widget=GovDateInput(), validators=[Optional()])
    ends_on = DateField("Until (optional)", widget=GovDateInput(),
                        description="Leave empty to carry on until the end of the plan year.", validators=[Optional()])
    time = StringField("What time? (optional)", widget=GovTextInput(), filters=[strip_whitespace],
                       description="For example: 10am to 1pm, or mornings. The provider sees this.",
                       validators=[Optional(), Length(max=MOST_TIME_CHARACTERS,
                                                      message=f"Write the time in {MOST_TIME_CHARACTERS} characters or fewer")])
    submit = SubmitField("Add to basket", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        """The fields each answer to "How often?" needs: a date for once; days and a start for every
        week. No date may be in the past (it is refused, never moved)."""
        valid = super().validate(extra_validators)
        today = clock.today()
        if self.recurring.data == "weekly":
            needs = [(self.days, not self.days.data, "Choose at least one day"),
                     (self.starts_on, self.starts_on.data is None, "Enter the date the support starts"),
                     (self.starts_on, self.starts_on.data is not None and self.starts_on.data < today,
                      f"That start date has passed. Enter {_long_today()} or a later date"),
                     (self.ends_on, None not in (self.ends_on.data, self.starts_on.data) and self.ends_on.data < self.starts_on.data,
                      "The end date must be on or after the start date")]
        else:
            needs = [(self.once_on, self.once_on.data is None, "Enter the date you want it"),
                     (self.once_on, self.once_on.data is not None and self.once_on.data < today,
                      f"That date has passed. Enter {_long_today()} or a later date")]
        for field, wrong, message in needs:
            if wrong and not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def when(self) -> dict:
        """When it is wanted, as the basket keeps it (see models.Scheduled)."""
        time = self.time.data or None
        if self.recurring.data == "weekly":
            return {"days": self.days.data, "starts_on": self.starts_on.data.isoformat(),
                    "ends_on": self.ends_on.data.isoformat() if self.ends_on.data else None, "time": time}
        return {"once_on": self.once_on.data.isoformat(), "time": time}


class CheckoutForm(FlaskForm):
    submission_key = HiddenField(validators=[InputRequired(), Length(min=16, max=40)])
    note = TextAreaField("Anything the provider should know (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Place order", widget=GovSubmitInput())


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason (the person will read this)", widget=GovTextArea(),
                           validators=[InputRequired("Give a reason"), Length(max=2000)])
    submit = SubmitField("Send", widget=GovSubmitInput())


class DeclineForm(ReasonForm):
    kind = RadioField("Why are you declining?", widget=GovRadioInput(), validators=[InputRequired("Choose why you are declining")],
                      choices=options(list(DECLINE_KINDS.items())),
                      description="This is counted, without names, so the council can see what support is missing.")
    reason = TextAreaField("Tell the person why, in your own words (they will read this)", widget=GovTextArea(),
                           validators=[InputRequired("Give a reason"), Length(max=2000)])
    submit = SubmitField("Decline the order", widget=GovSubmitInput())


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
