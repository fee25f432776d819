"""The estimator's one form, shown in two steps (daily life, then money); each step's answers ride
along as hidden fields in the other, so nothing is kept between pages.

Every value is bounded (a choice from the list, or pounds up to a stated most), so odd or huge
input is a message on the page, never a server error. Both steps are optional: someone may
estimate only the budget or only the contribution.
"""
from __future__ import annotations

from functools import lru_cache

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from wtforms import RadioField
from wtforms.validators import Optional

from ..fields import PoundsField, options
from .calculate import Money
from .rules import Question, Rules

MOST_INCOME_PENCE = 10_000_000  # £100,000 a week
MOST_SAVINGS_PENCE = 1_000_000_000  # £10,000,000
MONEY_FIELDS = ("age_band", "income", "savings", "dre")


class _Base(FlaskForm):
    class Meta:
        csrf = True  # the steps are POSTed so nothing typed ends up in an address, a log or the browser's history

    age_band = RadioField("How old are you?", widget=GovRadioInput(), validate_choice=False, validators=[Optional()])
    income = PoundsField("Your income each week, after tax", widget=GovTextInput(), most_pence=MOST_INCOME_PENCE,
                         what="Your weekly income", validators=[Optional()],
                         description="Add up wages, pensions and benefits, including disability benefits such as PIP. "
                                     "Enter 0 if you have none.")
    savings = PoundsField("Your savings", widget=GovTextInput(), most_pence=MOST_SAVINGS_PENCE, what="Your savings",
                          validators=[Optional()],
                          description="Money in the bank, shares and property other than the home you live in. Leave blank if you have none.")
    dre = PoundsField("Extra costs each week because of disability or illness (optional)", widget=GovTextInput(),
                      most_pence=MOST_INCOME_PENCE, what="Your extra costs", validators=[Optional()],
                      description="For example extra heating, laundry or taxis. Leave blank and we will use the usual sum.")


@lru_cache(maxsize=4)
def form_class(questions: tuple[Question, ...]) -> type[_Base]:
    """The form with one radio question for each of the questionnaire's areas of daily life."""
    fields = {q.key: RadioField(q.legend, widget=GovRadioInput(), validate_choice=False, validators=[Optional()], description=q.hint,
                                choices=options([(str(i), label) for i, label in enumerate(q.levels)]))
              for q in questions}
    return type("EstimateForm", (_Base,), fields)


def make_form(rules: Rules) -> _Base:
    form = form_class(rules.questions)()
    form.age_band.choices = options(list(rules.age_bands.items()))
    return form


def need_fields(form, rules: Rules) -> list:
    return [form[q.key] for q in rules.questions]


def money_fields(form) -> list:
    return [form[name] for name in MONEY_FIELDS]


def _blank(field) -> bool:
    return not (field.data or "").strip()


def _finish(form) -> None:
    form._errors = None  # WTForms caches form.errors; the fields' errors changed


def check_answers(form, rules: Rules) -> dict[str, int] | None | bool:
    """The daily-life answers as {key: level}; None when all were left blank (skip the budget);
    False when some are answered and some not, or one is not a choice (the fields say why)."""
    fields = need_fields(form, rules)
    for field in fields:
        field.errors = []
    if all(_blank(f) for f in fields):
        return None
    for question, field in zip(rules.questions, fields):
        if _blank(field):
            field.errors.append(f"Choose an answer about {question.legend.lower()}, or leave all of this page blank")
        elif field.data not in {str(i) for i in range(len(question.levels))}:
            field.errors.append(f"Choose one of the answers about {question.legend.lower()}")
    _finish(form)
    if any(f.errors for f in fields):
        return False
    return {q.key: int(f.data) for q, f in zip(rules.questions, fields)}


def check_money(form, rules: Rules, upper_pence: int) -> Money | None | bool:
    """The money answers; None when all were left blank (skip the contribution); False when one is
    wrong or missing (the fields say why). Savings over ``upper_pence`` need nothing else."""
    fields = money_fields(form)
    for field in fields:
        field.errors = []
        field.validate(form)
    _finish(form)
    if any(f.errors for f in fields):
        return False
    if all(_blank(f) for f in fields):
        return None
    savings = form.savings.pence
    if savings is None or savings <= upper_pence:
        if form.age_band.data not in rules.age_bands:
            form.age_band.errors.append("Choose your age group")
        if form.income.pence is None:
            form.income.errors.append("Enter your income each week, or 0 if you have none")
    _finish(form)
    if any(f.errors for f in fields):
        return False
    return Money(age_band=form.age_band.data if form.age_band.data in rules.age_bands else None,
                 income_week_pence=form.income.pence, savings_pence=savings, dre_week_pence=form.dre.pence)
