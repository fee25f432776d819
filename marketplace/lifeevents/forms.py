"""The staff's forms for life events: dates typed as day, month and year, checked before the service sees them."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from ..fields import DateField, options, strip_whitespace, today, years_ahead

POSTCODE_DISTRICT = Regexp(r"^\s*[A-Za-z]{1,2}[0-9][0-9A-Za-z]?\s*$", message="Enter the first part of a postcode, like SK4")


class HospitalForm(FlaskForm):
    starts_on = DateField("When did they go into hospital?", widget=GovDateInput(), latest=years_ahead(1),
                          description="For example, 3 12 2026. Support is paused from this day.",
                          validators=[InputRequired("Enter the date they went into hospital, like 3 12 2026")])
    expected_return_on = DateField("When are they expected home? (optional)", widget=GovDateInput(), latest=years_ahead(1),
                                   description="Leave it empty if nobody knows yet: support stays paused until you record the return.",
                                   validators=[Optional()])
    submit = SubmitField("Pause support", widget=GovSubmitInput())


class ReturnForm(FlaskForm):
    returned_on = DateField("When did they come home (or when will they)?", widget=GovDateInput(), latest=years_ahead(1),
                            description="Support starts again on this day.",
                            validators=[InputRequired("Enter the date they came home, like 10 12 2026")])
    submit = SubmitField("Start support again", widget=GovSubmitInput())


class MoveForm(FlaskForm):
    moves_on = DateField("When do they move?", widget=GovDateInput(), latest=years_ahead(1),
                         validators=[InputRequired("Enter the date of the move, like 1 1 2027")])
    new_address = TextAreaField("New address", widget=GovTextArea(), validators=[InputRequired("Enter the new address"), Length(max=500)])
    new_postcode_district = StringField("First part of the new postcode", widget=GovTextInput(), filters=[strip_whitespace],
                                        description="For example, SK4.",
                                        validators=[InputRequired("Enter the first part of the new postcode, like SK4"), POSTCODE_DISTRICT])
    where = RadioField("Is the new address in this council's area?", widget=GovRadioInput(),
                       choices=options([("here", "Yes, they stay with this council"),
                                        ("away", "No, they are moving to another council")]),
                       validators=[InputRequired("Choose whether they stay with this council")])
    submit = SubmitField("Record the move", widget=GovSubmitInput())


class DeathForm(FlaskForm):
    died_on = DateField("Date of death", widget=GovDateInput(), latest=today,
                        validators=[InputRequired("Enter the date of death, like 5 12 2026")])
    submit = SubmitField("Continue", widget=GovSubmitInput())
