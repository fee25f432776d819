"""Forms every area uses."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: for a button that confirms an action."""

    submit = SubmitField("Yes, end it now", widget=GovSubmitInput())
