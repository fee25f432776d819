"""Forms for the crisis plan: the coordinator's (contingency, and one form per kind of action) and the
one-button confirmation the holder presses."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..fields import PoundsField, QuantityField, WholeNumberField
from .models import MESSAGE_MAX, MOST_WEEKS
from .service import MANAGER_MAX


class ContingencyForm(FlaskForm):
    amount = PoundsField("Contingency agreed with the plan", widget=GovTextInput(), what="The contingency",
                         description="Money the extra support in a crisis may use, in pounds.",
                         validators=[InputRequired("Enter the contingency in pounds")])
    submit = SubmitField("Save the contingency", widget=GovSubmitInput())


def _weeks(label: str = "For how many weeks?"):
    return WholeNumberField(label, widget=GovTextInput(), least=1, most=MOST_WEEKS, what="The number of weeks",
                            validators=[InputRequired(f"Enter a number of weeks from 1 to {MOST_WEEKS}")])


class SwitchForm(FlaskForm):
    manager = StringField("Who will hold the money", widget=GovTextInput(),
                          description="The broker or organisation agreed, for example “Stockport Brokerage”.",
                          validators=[InputRequired("Name who will hold the money"), Length(max=MANAGER_MAX)])
    weeks = _weeks()
    submit = SubmitField("Agree this action", widget=GovSubmitInput())


class ExtraHoursForm(FlaskForm):
    line_id = RadioField("Which support", widget=GovRadioInput(), coerce=int, validate_choice=False,
                         validators=[InputRequired("Choose which support")])
    quantity = QuantityField("How much extra each week", widget=GovTextInput(), most=40,
                             description="In the support's own unit (hours, sessions...).",
                             validators=[InputRequired("Enter how much extra each week")])
    weeks = _weeks("For up to how many weeks?")
    submit = SubmitField("Agree this action", widget=GovSubmitInput())


class TellForm(FlaskForm):
    user_ids = SelectMultipleField("Who should be told", widget=GovCheckboxesInput(), coerce=int, validate_choice=False,
                                   validators=[InputRequired("Choose who should be told")])
    message = TextAreaField("The message", widget=GovTextArea(),
                            description="In the holder's own words, for example “I am not well. Please ring me today.”",
                            validators=[InputRequired("Write the message"), Length(max=MESSAGE_MAX)])
    submit = SubmitField("Agree this action", widget=GovSubmitInput())


class StartForm(FlaskForm):
    start_key = HiddenField()
    submit = SubmitField("Start it now", widget=GovSubmitInput())


class StopForm(FlaskForm):
    submit = SubmitField("Stop early", widget=GovSubmitInput())


class RemoveForm(FlaskForm):
    submit = SubmitField("Remove", widget=GovSubmitInput())
