"""Forms for holder records and delegations."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, EmailField, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from ..fields import DateField, options, strip_whitespace
from .models import CONTACT_CHANNELS, RIGHT_LABELS

POSTCODE_DISTRICT = Regexp(r"^\s*[A-Za-z]{1,2}[0-9][0-9A-Za-z]?\s*$", message="Enter the first part of a postcode, like SK4")


class HolderRecordForm(FlaskForm):
    preferred_contact = RadioField("How would you like us to contact you?", widget=GovRadioInput(),
                                   choices=options(list(CONTACT_CHANNELS.items())), validators=[InputRequired("Choose how you would like to be contacted")])
    phone = StringField("Phone number (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=40)])
    address = TextAreaField("Address for letters (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=500)])
    postcode_district = StringField("First part of your postcode (optional)", widget=GovTextInput(),
                                    description="For example, SK4. We use it to show support near you.",
                                    validators=[Optional(), POSTCODE_DISTRICT])
    accessibility_needs = TextAreaField("Anything that makes contact or forms easier for you (optional)", widget=GovTextArea(),
                                        description="For example: large print, phone calls in the afternoon, an interpreter.",
                                        validators=[Optional(), Length(max=2000)])
    about_me = TextAreaField("About me, in my own words (optional)", widget=GovTextArea(),
                             description="Write as much or as little as you like. You only need to tell us once.",
                             validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Save", widget=GovSubmitInput())


class NewHolderForm(HolderRecordForm):
    name = StringField("Full name", widget=GovTextInput(), filters=[strip_whitespace], validators=[DataRequired("Enter the person's full name"), Length(max=200)])
    email = EmailField("Email address (optional)", widget=GovTextInput(), filters=[strip_whitespace],
                       description="We will email an invitation to set a password. Leave empty if the person does not use email.",
                       validators=[Optional(), Email("Enter an email address like name@example.com")])
    managed_by_council = BooleanField("The council manages this account and records consent for the person", widget=GovCheckboxInput(), validators=[Optional()])
    submit = SubmitField("Set up account", widget=GovSubmitInput())


class DelegationForm(FlaskForm):
    kind = RadioField("Who are they?", widget=GovRadioInput(),
                      choices=options([("representative", "A representative: a carer, family member, friend or advocate"),
                               ("broker", "A broker or support planner")]),
                      validators=[InputRequired("Choose who they are")])
    delegate_name = StringField("Their name", widget=GovTextInput(), filters=[strip_whitespace], validators=[Optional(), Length(max=200)])
    delegate_email = EmailField("Their email address", widget=GovTextInput(), filters=[strip_whitespace],
                                validators=[InputRequired("Enter their email address"), Email("Enter an email address like name@example.com")])
    rights = SelectMultipleField("What may they do?", widget=GovCheckboxesInput(), choices=options(list(RIGHT_LABELS.items())),
                                 validators=[InputRequired("Choose at least one thing they may do")])
    starts_on = DateField("From", widget=GovDateInput(),
                          validators=[InputRequired("Enter the date this starts, like 1 12 2026")])
    ends_on = DateField("Until (optional)", widget=GovDateInput(),
                        description="Leave empty if there is no end date.", validators=[Optional()])
    consent_note = TextAreaField("How was consent given? (optional)", widget=GovTextArea(),
                                 description="For example: agreed in person at the review meeting on 3 November.",
                                 validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Give these rights", widget=GovSubmitInput())
