"""Forms for writing and deciding on support plans, and for budgets."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..budgets.models import DEPLOYMENT_OPTIONS, FUNDING_SCHEDULES
from ..fields import DateField, PoundsField, options
from .models import REVIEW_REASON_MAX, WRITERS


def parse_risks(text: str | None) -> list[dict]:
    """One risk a line; "what could go wrong | how it is managed"."""
    risks = []
    for line in (text or "").splitlines():
        if line.strip():
            risk, _, management = line.partition("|")
            risks.append({"risk": risk.strip(), "management": management.strip()})
    return risks


def format_risks(risks: list[dict]) -> str:
    return "\n".join(f"{r['risk']} | {r.get('management', '')}".rstrip(" |") for r in risks)


class PlanForm(FlaskForm):
    about_me = TextAreaField("About me", widget=GovTextArea(), description="In the person's own words.", validators=[Optional(), Length(max=5000)])
    crisis_plan = TextAreaField("What should happen in a crisis", widget=GovTextArea(),
                                description="Who to call, what helps, what to avoid. Agreed before it is needed.",
                                validators=[Optional(), Length(max=5000)])
    contingency_plan = TextAreaField("If the usual support cannot happen", widget=GovTextArea(),
                                     description="For example, if a personal assistant is ill.", validators=[Optional(), Length(max=5000)])
    risks = TextAreaField("Risks and how they are managed", widget=GovTextArea(),
                          description="One a line: what could go wrong | how it is managed.", validators=[Optional(), Length(max=5000)])
    written_with = SelectMultipleField("Who helped write this plan?", widget=GovCheckboxesInput(), choices=options(list(WRITERS.items())),
                                       validators=[Optional()])
    submit = SubmitField("Save", widget=GovSubmitInput())


class OutcomeForm(FlaskForm):
    own_words = TextAreaField("The outcome, in the person's own words", widget=GovTextArea(),
                              description="For example: to get out of the house twice a week and meet people.",
                              validators=[InputRequired("Describe the outcome in the person's own words"), Length(max=1000)])
    codes = SelectMultipleField("Which of these does it meet?", widget=GovCheckboxesInput(),
                                validators=[InputRequired("Choose at least one")])
    amount = PoundsField("Money set aside for the year, in pounds", widget=GovTextInput(), validators=[InputRequired("Enter the money set aside")])
    how_met = TextAreaField("How it will be met", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    categories = SelectMultipleField("Kinds of support this outcome may buy", widget=GovCheckboxesInput(), validators=[Optional()],
                                     description="Orders for other kinds of support go to the care coordinator to check.")
    submit = SubmitField("Add outcome", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    decision = RadioField("Decision", widget=GovRadioInput(), validators=[InputRequired("Choose a decision")],
                          choices=options([("approved", "Approve the plan"), ("changes_requested", "Ask for changes"),
                                   ("refused", "Do not approve"), ("referred_to_panel", "Refer to the risk enablement panel")]))
    reason = TextAreaField("Reason (the person will read this)", widget=GovTextArea(),
                           description="Needed unless you approve. Plain words, please.", validators=[Optional(), Length(max=3000)])
    as_panel = BooleanField("I am recording the panel's decision", widget=GovCheckboxInput(), validators=[Optional()])
    submit = SubmitField("Save decision", widget=GovSubmitInput())


class BudgetForm(FlaskForm):
    starts_on = DateField("Plan starts", widget=GovDateInput(), validators=[InputRequired("Enter the start date")])
    ends_on = DateField("Plan ends", widget=GovDateInput(), validators=[InputRequired("Enter the end date")])
    indicative = PoundsField("Indicative budget for the year, in pounds", widget=GovTextInput(), validators=[Optional()])
    contribution = PoundsField("The person's assessed contribution for the year, in pounds", widget=GovTextInput(),
                               description="Leave empty if there is none.", validators=[Optional()])
    deployment_option = RadioField("Who will hold the money?", widget=GovRadioInput(), choices=options(list(DEPLOYMENT_OPTIONS.items())),
                                   default="direct_payment", validators=[InputRequired("Choose who will hold the money")])
    budget_manager_name = StringField("Budget manager (for a managed account)", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    funding_schedule = RadioField("How often is money paid in?", widget=GovRadioInput(), choices=options(list(FUNDING_SCHEDULES.items())),
                                  validators=[Optional()])
    submit = SubmitField("Set up budget", widget=GovSubmitInput())


class DeploymentForm(FlaskForm):
    to_option = RadioField("Who should hold the money from now on?", widget=GovRadioInput(), choices=options(list(DEPLOYMENT_OPTIONS.items())),
                           validators=[InputRequired("Choose who should hold the money")])
    effective_on = DateField("From", widget=GovDateInput(), validators=[InputRequired("Enter the date the change starts")])
    budget_manager_name = StringField("Budget manager (for a managed account)", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    isf_provider = SelectField("Provider holding the fund (for an individual service fund)", widget=GovSelect(), coerce=int,
                               validators=[Optional()])
    reason = TextAreaField("Why (optional)", widget=GovTextArea(), description="For example: while I am unwell.", validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Change it", widget=GovSubmitInput())


class ReviewRequestForm(FlaskForm):
    reason = TextAreaField("What has changed, or what does the plan no longer cover?", widget=GovTextArea(),
                           description="For example: my needs have changed since I left hospital, or the support in the plan "
                                       "costs more than the money set aside. Your contact at the council will read this.",
                           validators=[InputRequired("Say why you would like the plan looked at again"),
                                       Length(max=REVIEW_REASON_MAX, message=f"Use {REVIEW_REASON_MAX:,} characters or fewer")])
    submit = SubmitField("Ask for a review", widget=GovSubmitInput())


class ReviewAnswerForm(FlaskForm):
    answer = TextAreaField("Your answer (the person will read this)", widget=GovTextArea(),
                           description="What happens next: for example, the date of a review meeting. Plain words, please.",
                           validators=[InputRequired("Write your answer"),
                                       Length(max=REVIEW_REASON_MAX, message=f"Use {REVIEW_REASON_MAX:,} characters or fewer")])
    submit = SubmitField("Send the answer", widget=GovSubmitInput())
