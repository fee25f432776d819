"""The finance officer's decision on a clawback proposal."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..fields import PoundsField, options
from .decisions import REASON_MAX


class DecisionForm(FlaskForm):
    decision = RadioField("Your decision", widget=GovRadioInput(), validators=[InputRequired("Choose your decision")],
                          choices=options([("approve", "Approve the amount proposed"),
                                           ("change", "Approve a different amount"),
                                           ("reject", "Reject: take nothing back")]))
    amount = PoundsField("The different amount, in pounds (only if you approve a different amount)", widget=GovTextInput(),
                         validators=[Optional()])
    reason = TextAreaField("Your reason (the person and anyone helping them will read it)", widget=GovTextArea(),
                           validators=[InputRequired("Give a reason for the decision"), Length(max=REASON_MAX)])
    submit = SubmitField("Record the decision", widget=GovSubmitInput())

    @property
    def decision_label(self) -> str:
        return next(c.label for c in self.decision.choices if c.value == self.decision.data)
