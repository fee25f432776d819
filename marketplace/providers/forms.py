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
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from ..accounts.passwords import MIN_LENGTH
from ..errors import DomainError
from ..fields import options, strip_whitespace
from . import banking
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


class BankDetailsForm(FlaskForm):
    """Where the organisation is paid. The numbers are never filled in from what is saved: they are shown masked."""
    account_name = StringField("Name on the account", widget=GovTextInput(), filters=[strip_whitespace],
                               description="As the bank has it. The bank checks it against the account before paying.",
                               validators=[DataRequired("Enter the name on the account"), Length(max=70, message="The name on the account must be 70 characters or fewer")])
    sort_code = StringField("Sort code", widget=GovTextInput(), filters=[strip_whitespace], description="6 digits, like 20-00-00",
                            validators=[DataRequired("Enter the sort code"), Length(max=20, message="Enter a sort code of 6 digits, like 20-00-00")])
    account_number = StringField("Account number", widget=GovTextInput(), filters=[strip_whitespace], description="8 digits",
                                 validators=[DataRequired("Enter the account number"), Length(max=30, message="Enter an account number of 8 digits, like 12345678")])
    submit = SubmitField("Save bank details", widget=GovSubmitInput())

    def _check(self, field, clean):
        try:
            clean(field.data)
        except DomainError as error:
            raise ValidationError(error.message) from None

    def validate_sort_code(self, field):
        self._check(field, banking.clean_sort_code)

    def validate_account_number(self, field):
        self._check(field, banking.clean_account_number)
