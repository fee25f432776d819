"""Forms for posting a need, replying, closing, reporting and moderating."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from .. import taxonomy
from ..fields import options
from .models import REPORT_REASONS
from .service import LANGUAGES_MAX, MESSAGE_MAX, PURPOSE_MAX, REASON_MAX, TIMES_MAX, TITLE_MAX


class NeedForm(FlaskForm):
    title = StringField("What are you looking for?", widget=GovTextInput(),
                        description="For example, “A PA, 6 hours a week”.",
                        validators=[InputRequired("Say what you are looking for"), Length(max=TITLE_MAX)])
    purpose = TextAreaField("What is it for?", widget=GovTextArea(),
                            description="Providers will read this. Please do not include names, phone numbers or email addresses.",
                            validators=[InputRequired("Say what it is for"), Length(max=PURPOSE_MAX)])
    times = StringField("Which days and times?", widget=GovTextInput(), description="For example, “Tuesday and Thursday mornings”.",
                        validators=[InputRequired("Say which days and times"), Length(max=TIMES_MAX)])
    district = StringField("Postcode district", widget=GovTextInput(),
                           description="Only the first part of the postcode, like SK4. Nobody sees your address.",
                           validators=[InputRequired("Enter a postcode district"), Length(max=10)])
    languages = StringField("Languages (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=LANGUAGES_MAX)])
    category = SelectField("Kind of support", widget=GovSelect(), validators=[InputRequired("Choose a kind of support")])
    submit = SubmitField("Post the need", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = options([(slug, c["name"]) for slug, c in taxonomy.categories().items()])


class ReplyForm(FlaskForm):
    message = TextAreaField("Your reply", widget=GovTextArea(),
                            description="A short message: what you can offer. Do not include phone numbers or email addresses.",
                            validators=[InputRequired("Write your reply"), Length(max=MESSAGE_MAX)])
    submit = SubmitField("Send the reply", widget=GovSubmitInput())


class ReportForm(FlaskForm):
    reason = RadioField("What is wrong?", widget=GovRadioInput(), choices=options(list(REPORT_REASONS.items())),
                        validators=[InputRequired("Choose what is wrong")])
    details = TextAreaField("Tell us more (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=REASON_MAX)])
    submit = SubmitField("Send the report", widget=GovSubmitInput())


class ModerationForm(FlaskForm):
    action = RadioField("What do you want to do?", widget=GovRadioInput(),
                        choices=options([("hide", "Hide it"), ("restore", "Show it again"), ("keep", "Keep it and close the reports")]),
                        validators=[InputRequired("Choose what to do")])
    reason = TextAreaField("Your reason", widget=GovTextArea(), validators=[InputRequired("Give a reason"), Length(max=REASON_MAX)])
    submit = SubmitField("Record the decision", widget=GovSubmitInput())
