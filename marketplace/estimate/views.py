"""The public estimator: choose a council, answer two short optional steps, read an estimate.

It is for people not yet known to the council, so every page is public (signed in or not) and
asks the policy nothing: it reads published figures and stores nothing. The steps are POSTed
(with CSRF, as every form here) and each page carries the other step's answers as hidden fields,
so what someone types is never in an address (nor so in a server log, the browser's history or a
Referer) and never saved; responses say ``Cache-Control: no-store``. Nothing here logs answers.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from ..councils.models import Council
from ..extensions import db
from ..money import format_pence
from ..web import current_council
from . import forms
from .calculate import estimate, whole_pounds
from .rules import rules

bp = Blueprint("estimate", __name__)


def _council() -> Council | None:
    """The council asked for in ``?council=``, else the viewer's own, else none (the page offers a choice)."""
    if "choose" in request.args:
        return None
    slug = request.args.get("council", "")
    if slug:
        return db.session.scalar(db.select(Council).filter_by(slug=slug[:60])) or abort(404)
    return current_council()


def _short_name(council: Council) -> str:
    return council.name.removesuffix(" Council")


def _step_council():
    """A step's council and its figures; without a council, back to the start to choose one."""
    council = _council()
    if council is None:
        return None, None
    return council, rules().for_council(council.slug)


def _page(template: str, council: Council, form, **context):
    """A step (or the result) with the answers it does not show carried as hidden fields."""
    needs, money = forms.need_fields(form, rules()), forms.money_fields(form)
    carried = {"estimate/daily_life.html": money, "estimate/money.html": needs}.get(template, needs + money)
    return render_template(template, council=council, form=form, carried=carried, questions=rules().questions, **context)


@bp.after_request
def _no_store(response):
    """Someone's figures must not stay in a shared computer's cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/estimate")
def index():
    council = _council()
    councils = [] if council is not None else db.session.scalars(db.select(Council).order_by(Council.name)).all()
    known = council is not None and rules().for_council(council.slug) is not None
    return render_template("estimate/index.html", council=council, councils=councils, known=known,
                           title=f"Estimate your budget in {council.name}" if council else "Estimate your personal budget")


@bp.route("/estimate/daily-life", methods=["GET", "POST"])
def daily_life():
    council, council_rules = _step_council()
    if council_rules is None:
        return redirect(url_for("estimate.index", **({"council": council.slug} if council else {})))
    return _page("estimate/daily_life.html", council, forms.make_form(rules()), title="About your daily life")


@bp.route("/estimate/money", methods=["GET", "POST"])
def money():
    council, council_rules = _step_council()
    if council_rules is None:
        return redirect(url_for("estimate.index", **({"council": council.slug} if council else {})))
    form = forms.make_form(rules())
    if request.method == "POST" and forms.check_answers(form, rules()) is False:
        return _page("estimate/daily_life.html", council, form, title="About your daily life")
    return _page("estimate/money.html", council, form, title="About your money", upper=council_rules.charging.capital_upper_pence)


@bp.route("/estimate/result", methods=["GET", "POST"])
def result():
    council, council_rules = _step_council()
    if council_rules is None or request.method == "GET":  # a result is only ever the answer to the steps just sent
        return redirect(url_for("estimate.index", **({"council": council.slug} if council else {})))
    form = forms.make_form(rules())
    answers = forms.check_answers(form, rules())
    if answers is False:
        return _page("estimate/daily_life.html", council, form, title="About your daily life")
    upper = council_rules.charging.capital_upper_pence
    money = forms.check_money(form, rules(), upper)
    if money is False or (answers is None and money is None):
        problem = None if money is False else "Answer the questions about your daily life or about your money to see an estimate."
        return _page("estimate/money.html", council, form, title="About your money", upper=upper, problem=problem)
    age_label = rules().age_bands.get(money.age_band) if money and money.age_band else None
    result = estimate(council_rules, _short_name(council), answers=answers, money=money, age_label=age_label)
    return _page("estimate/result.html", council, form, title="Your estimate", estimate=result, rules=council_rules,
                 short_name=_short_name(council))


@bp.app_template_filter("whole_pounds")
def _pounds(pence: int | None) -> str:
    """Whole pounds for the estimate's figures (an estimate's pennies would claim a precision it has not)."""
    return format_pence(whole_pounds(pence) if pence is not None else None, whole_pounds=True)


def init_app(app) -> None:
    app.register_blueprint(bp)
