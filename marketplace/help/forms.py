"""Forms for editing a help text and restoring an old version (both carry CSRF)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from .service import BODY_MAX


class HelpTextForm(FlaskForm):
    body = TextAreaField("The text of the page", widget=GovTextArea(),
                         description="You can use paragraphs <p>, headings <h2> and <h3>, lists <ul>, <ol> and <li>, "
                                     "links <a href=\"...\">, and <strong> and <em>. Anything else is removed when you save.",
                         validators=[InputRequired("Write the text of the page"), Length(max=BODY_MAX)])
    submit = SubmitField("Save a new version", widget=GovSubmitInput())


class RestoreForm(FlaskForm):
    submit = SubmitField("Restore this version", widget=GovSubmitInput())
