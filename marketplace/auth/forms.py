"""Account forms, rendered with GOV.UK Frontend widgets."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional

from ..accounts.passwords import MIN_LENGTH
from ..fields import strip_whitespace


class SignInForm(FlaskForm):
    email = EmailField("Email address", widget=GovTextInput(), filters=[strip_whitespace], validators=[InputRequired("Enter your email address"), Email("Enter an email address like name@example.com")])
    password = PasswordField("Password", widget=GovPasswordInput(), validators=[InputRequired("Enter your password"), Length(max=1024)])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email address", widget=GovTextInput(), filters=[strip_whitespace], validators=[InputRequired("Enter your email address"), Email("Enter an email address like name@example.com")])
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", widget=GovPasswordInput(), description=f"At least {MIN_LENGTH} characters. A few unusual words together work well.",
                             validators=[InputRequired("Enter a new password"), Length(min=MIN_LENGTH, message=f"Your password must be at least {MIN_LENGTH} characters long")])
    confirm = PasswordField("Type the new password again", widget=GovPasswordInput(),
                            validators=[InputRequired("Type the new password again"), EqualTo("password", "The two passwords do not match")])
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField("Current password", widget=GovPasswordInput(), validators=[InputRequired("Enter your current password")])


class DetailsForm(FlaskForm):
    name = StringField("Your name", widget=GovTextInput(), filters=[strip_whitespace], validators=[DataRequired("Enter your name"), Length(max=200)])
    phone = StringField("Phone number (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=40)])
    submit = SubmitField("Save details", widget=GovSubmitInput())
