"""Forms for rating, answering, reporting and moderating."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..fields import options
from .models import ASPECTS, REPORT_REASONS, SCORES
from .moderation import PHRASE_MAX, REASON_MAX
from .service import TEXT_MAX


class RatingForm(FlaskForm):
    score = RadioField("Overall, how was it?", widget=GovRadioInput(), coerce=int,
                       choices=options([(score, f"{score}: {words}") for score, words in SCORES.items()]),
                       validators=[InputRequired("Choose a score from 1 to 5")])
    aspects = SelectMultipleField("Anything else you would like to say? (optional)", widget=GovCheckboxesInput(),
                                  choices=options(list(ASPECTS.items())), validators=[Optional()])
    text = TextAreaField("What was it like? (optional)", widget=GovTextArea(),
                         description="Other people choosing support will read this. Please do not include names, "
                                     "phone numbers or email addresses.",
                         validators=[Optional(), Length(max=TEXT_MAX)])
    submit = SubmitField("Publish my rating", widget=GovSubmitInput())


class AnswerForm(FlaskForm):
    text = TextAreaField("Your public answer", widget=GovTextArea(),
                         description="Everyone who reads the review will see it. You can answer once.",
                         validators=[InputRequired("Write your answer"), Length(max=TEXT_MAX)])
    submit = SubmitField("Publish the answer", widget=GovSubmitInput())


class ReportForm(FlaskForm):
    reason = RadioField("What is wrong with this review?", widget=GovRadioInput(),
                        choices=options(list(REPORT_REASONS.items())), validators=[InputRequired("Choose what is wrong")])
    details = TextAreaField("Tell us more (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=REASON_MAX)])
    submit = SubmitField("Report this review", widget=GovSubmitInput())


class ModerationForm(FlaskForm):
    action = RadioField("What do you want to do?", widget=GovRadioInput(),
                        choices=options([("hide", "Hide the review"), ("restore", "Show the review again"),
                                         ("keep", "Keep the review as it is and close the reports")]),
                        validators=[InputRequired("Choose what to do")])
    reason = TextAreaField("Your reason (the reviewer and the provider will read it)", widget=GovTextArea(),
                           validators=[InputRequired("Give a reason"), Length(max=REASON_MAX)])
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


class RedactionForm(FlaskForm):
    phrase = StringField("Words to remove, exactly as they appear", widget=GovTextInput(),
                         description="For example, another person's name. Each place they appear becomes “[removed]”.",
                         validators=[InputRequired("Enter the words to remove"), Length(max=PHRASE_MAX)])
    submit = SubmitField("Remove these words", widget=GovSubmitInput())
