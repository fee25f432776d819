"""The request's small steps, and the council's forms for moving a case on. Every field is bounded."""
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

from ..fields import DateField, options, strip_whitespace, today
from .models import ACCESS, CLOSE_REASONS, CONSENT, CONTACT, FOR_WHOM, KINDS

POSTCODE = Regexp(r"^\s*[A-Za-z]{1,2}[0-9][0-9A-Za-z]?\s*[0-9][A-Za-z]{2}\s*$",
                  message="Enter a full postcode, like SK4 1AA")
PHONE = Regexp(r"^[0-9 +()-]{6,20}$", message="Enter a phone number, like 0161 496 0000")


def _postcode(value):
    return " ".join((value or "").upper().split()) or None


class StartForm(FlaskForm):
    kind = RadioField("What would you like to ask for?", widget=GovRadioInput(), choices=options(list(KINDS.items())),
                      validators=[InputRequired("Choose what you would like to ask for")])
    for_whom = RadioField("Who is it for?", widget=GovRadioInput(), choices=options(list(FOR_WHOM.items())),
                          validators=[InputRequired("Choose who it is for")])
    submit = SubmitField("Continue", widget=GovSubmitInput())


class _Step(FlaskForm):
    submit = SubmitField("Save and continue", widget=GovSubmitInput())
    later = SubmitField("Save and come back later", widget=GovSubmitInput())


class AboutThemForm(_Step):
    name = StringField("Full name", widget=GovTextInput(), filters=[strip_whitespace],
                       validators=[Optional(), Length(max=200)])
    date_of_birth = DateField("Date of birth (optional)", widget=GovDateInput(), description="For example, 27 3 1980",
                              latest=today, validators=[Optional()])
    address = TextAreaField("Address (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=500)])
    postcode = StringField("Postcode", widget=GovTextInput(), filters=[strip_whitespace, _postcode],
                           validators=[Optional(), POSTCODE])
    email = EmailField("Email address (optional)", widget=GovTextInput(), filters=[strip_whitespace],
                       validators=[Optional(), Length(max=254), Email("Enter an email address like name@example.com")])
    phone = StringField("Phone number (optional)", widget=GovTextInput(), filters=[strip_whitespace],
                        validators=[Optional(), PHONE])


class AboutYouForm(_Step):
    asker_name = StringField("Your name", widget=GovTextInput(), filters=[strip_whitespace],
                             validators=[Optional(), Length(max=200)])
    asker_relationship = StringField("How do you know them? (optional)", widget=GovTextInput(),
                                     description="For example: their daughter, a friend, their GP.",
                                     filters=[strip_whitespace], validators=[Optional(), Length(max=100)])
    asker_email = EmailField("Your email address (optional)", widget=GovTextInput(), filters=[strip_whitespace],
                             validators=[Optional(), Length(max=254), Email("Enter an email address like name@example.com")])
    asker_phone = StringField("Your phone number (optional)", widget=GovTextInput(), filters=[strip_whitespace],
                              validators=[Optional(), PHONE])
    consent = RadioField("Have they agreed that you ask for them?", widget=GovRadioInput(),
                         choices=options(list(CONSENT.items())), validators=[Optional()])


class ContactForm(_Step):
    preferred_contact = RadioField("How would you like the council to contact you?", widget=GovRadioInput(),
                                   choices=options(list(CONTACT.items())), validators=[Optional()])
    access_needs = SelectMultipleField("Is there anything that would make it easier? (optional)",
                                       widget=GovCheckboxesInput(), choices=options(list(ACCESS.items())),
                                       validators=[Optional()])
    access_other = TextAreaField("Anything else (optional)", widget=GovTextArea(),
                                 description="For example: the best time to call, or a language you would like us to use.",
                                 validators=[Optional(), Length(max=1000)])


class SituationForm(_Step):
    situation = TextAreaField("What is happening, and what help do you think is needed?", widget=GovTextArea(),
                              description="Write as much or as little as you like. You will not need to tell us again.",
                              validators=[Optional(), Length(max=5000)])
    urgent = BooleanField("Things are getting harder quickly and we need to talk soon", widget=GovCheckboxInput(),
                          validators=[Optional()])


class SendForm(FlaskForm):
    submit = SubmitField("Send my request", widget=GovSubmitInput())


class AnswerForm(FlaskForm):
    answer = TextAreaField("Your answer", widget=GovTextArea(), validators=[DataRequired("Write your answer"),
                                                                            Length(max=5000)])
    submit = SubmitField("Send my answer", widget=GovSubmitInput())


class QuestionForm(FlaskForm):
    question = TextAreaField("What do you need to know?", widget=GovTextArea(),
                             description="The person reads this. Write it plainly.",
                             validators=[DataRequired("Write the question"), Length(max=2000)])
    submit = SubmitField("Ask the question", widget=GovSubmitInput())


class BookForm(FlaskForm):
    on = DateField("Assessment date", widget=GovDateInput(), validators=[InputRequired("Enter the date, like 14 12 2026")])
    assessor_name = StringField("Who will do the assessment?", widget=GovTextInput(), filters=[strip_whitespace],
                                validators=[DataRequired("Enter the assessor's name"), Length(max=200)])
    submit = SubmitField("Book the assessment", widget=GovSubmitInput())


class CloseForm(FlaskForm):
    reason = RadioField("Why is the request closing?", widget=GovRadioInput(), choices=options(list(CLOSE_REASONS.items())),
                        validators=[InputRequired("Choose why the request is closing")])
    note = TextAreaField("What else may help them (optional)", widget=GovTextArea(),
                         description="The person reads this: for example, free groups near them.",
                         validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Close the request", widget=GovSubmitInput())


class SetUpForm(FlaskForm):
    invite = BooleanField("Email them an invitation to sign in", widget=GovCheckboxInput(), validators=[Optional()])
    submit = SubmitField("Set them up as a budget holder", widget=GovSubmitInput())


STEP_FORMS = {"about-them": AboutThemForm, "about-you": AboutYouForm, "contact": ContactForm, "situation": SituationForm}
STEP_TITLES = {"about-them": "About the person who needs support", "about-you": "About you",
               "contact": "How to contact you", "situation": "What is happening"}
