"""The registration form for providers, personal assistants and community groups."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from ..accounts.passwords import MIN_LENGTH
from ..fields import options, strip_whitespace
from .models import ORGANISATION_KINDS


class RegisterOrganisationForm(FlaskForm):
    kind = RadioField("What are you?", widget=GovRadioInput(), choices=options([(k, v) for k, v in ORGANISATION_KINDS.items() if k != "council_service"]),
                      validators=[InputRequired("Choose what kind of organisation you are")])
    organisation_name = StringField("Name of your organisation or business", widget=GovTextInput(),
                                    description="If you are a self-employed personal assistant, use your own name.",
                                    filters=[strip_whitespace], validators=[DataRequired("Enter the name of your organisation"), Length(max=200)])
    summary = TextAreaField("What you do, in a sentence or two (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=1000)])
    councils = SelectMultipleField("Which council areas do you work in?", widget=GovCheckboxesInput(), coerce=int,
                                   validators=[InputRequired("Choose at least one council area")])
    person_name = StringField("Your name", widget=GovTextInput(), filters=[strip_whitespace], validators=[DataRequired("Enter your name"), Length(max=200)])
    email = EmailField("Your email address", widget=GovTextInput(), filters=[strip_whitespace], validators=[InputRequired("Enter your email address"), Email("Enter an email address like name@example.com")])
    phone = StringField("Phone number (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=40)])
    password = PasswordField("Choose a password", widget=GovPasswordInput(), description=f"At least {MIN_LENGTH} characters.",
                             validators=[InputRequired("Choose a password"), Length(min=MIN_LENGTH, message=f"Your password must be at least {MIN_LENGTH} characters long")])
    submit = SubmitField("Register", widget=GovSubmitInput())
