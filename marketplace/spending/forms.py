"""The forms for recording a purchase made outside the marketplace and choosing a quarter."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovFileInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from ..fields import DateField, PoundsField, today
from .service import DESCRIPTION_MAX, MOST_PENCE

NONE_OF_THESE = "none"


class PurchaseForm(FlaskForm):
    description = StringField("What did you buy?", widget=GovTextInput(),
                              description="For example: a month's swimming pass at the leisure centre.",
                              validators=[InputRequired("Say what you bought"), Length(max=DESCRIPTION_MAX)])
    bought_on = DateField("When did you buy it?", widget=GovDateInput(), latest=today,
                          description="For example, 27 3 2026. It must be in this plan year and not in the future.",
                          validators=[InputRequired("Enter the date you bought it")])
    amount = PoundsField("How much did it cost, in pounds?", widget=GovTextInput(), most_pence=MOST_PENCE,
                         what="The amount", validators=[InputRequired("Enter how much it cost")])
    outcome = RadioField("Which part of your plan does it help with?", widget=GovRadioInput(),
                         validators=[InputRequired("Choose the part of your plan it helps with, or “none of these”")])
    category = SelectField("What kind of thing was it? (optional)", widget=GovSelect(), validators=[Optional()],
                           description="It helps the council see what people need. You can leave it blank.")
    receipt = FileField("A photo or PDF of the receipt", widget=GovFileInput())
    submit = SubmitField("Record this purchase", widget=GovSubmitInput())
