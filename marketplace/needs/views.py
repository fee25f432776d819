"""Pages for posting a need, the list providers and personal assistants read, replies, choosing, closing,
reports and the council's small moderation queue; ``flask needs expire``."""
from __future__ import annotations

import click
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.cli import AppGroup
from flask_login import current_user, login_required

from .. import taxonomy
from ..extensions import db
from ..holders.models import Holder
from ..policy import can
from ..web import attempt, council_page, current_council, load
from . import service
from .forms import ModerationForm, NeedForm, ReplyForm, ReportForm
from .models import Need, NeedReply

bp = Blueprint("needs", __name__)
needs_cli = AppGroup("needs", help="Needs that people post.")


def _reply_on(need: Need, reply_id) -> NeedReply | None:
    if reply_id in (None, ""):
        return None
    try:
        reply_id = int(reply_id)
    except (TypeError, ValueError):
        abort(404)
    found = db.session.get(NeedReply, reply_id) if 0 < reply_id < 2**31 else None
    if found is None or found.need_id != need.id:
        abort(404)
    return found


@bp.route("/holders/<int:holder_id>/needs", methods=["GET", "POST"])
@login_required
def new(holder_id: int):
    holder = load(Holder, holder_id, "need.post")
    form, problem = NeedForm(), None
    if not form.is_submitted():
        form.district.data = holder.postcode_district
    if form.validate_on_submit():
        need, problem = attempt(lambda: service.post(current_user, holder, title=form.title.data, purpose=form.purpose.data,
                                                     times=form.times.data, district=form.district.data,
                                                     category=form.category.data, languages=form.languages.data))
        if problem is None:
            flash("Your need is posted. Providers see “someone in " + need.district + "”, never your name.", "success")
            return redirect(url_for("needs.show", need_id=need.id))
    return render_template("needs/new.html", holder=holder, form=form, problem=problem, posted=service.for_holder(holder),
                           title="Post what you are looking for")


@bp.get("/needs")
@login_required
def index():
    council = council_page("needs.browse")
    district = taxonomy.normalise_district(request.args.get("district", "")[:10])
    category = request.args.get("category", "")[:40]
    category = category if category in taxonomy.categories() else None
    return render_template("needs/index.html", council=council, needs=service.open_needs(council, district=district, category=category),
                           district=district or "", category=category or "", categories=taxonomy.categories(),
                           title="What people are looking for")


@bp.route("/needs/<int:need_id>", methods=["GET", "POST"])
@login_required
def show(need_id: int):
    need = load(Need, need_id, "need.view")
    form, problem = ReplyForm(), None
    mine = service.reply_of(need, current_user)
    if request.method == "POST":
        if form.validate_on_submit():
            _done, problem = attempt(lambda: service.reply(current_user, need, form.message.data))
            if problem is None:
                flash("Your reply is sent. You will be told if they choose to talk to you.", "success")
                return redirect(url_for("needs.show", need_id=need.id))
        elif not can(current_user, "need.reply", need):
            abort(403)
    manages = can(current_user, "need.manage", need)
    orders = {r.id: service.listings_to_order(r) for r in need.chosen} if manages else {}
    return render_template("needs/show.html", need=need, form=form, problem=problem, mine=mine, manages=manages, orders=orders,
                           may_reply=can(current_user, "need.reply", need) and mine is None,
                           title=need.title)


@bp.post("/needs/<int:need_id>/choose/<int:reply_id>")
@login_required
def choose(need_id: int, reply_id: int):
    need = load(Need, need_id, "need.manage")
    _done, problem = attempt(lambda: service.choose(current_user, need, _reply_on(need, reply_id)))
    flash(problem or "They have been told you would like to talk to them.", "error" if problem else "success")
    return redirect(url_for("needs.show", need_id=need.id))


@bp.post("/needs/<int:need_id>/close")
@login_required
def close(need_id: int):
    need = load(Need, need_id, "need.manage")
    _done, problem = attempt(lambda: service.close(current_user, need, request.form.get("outcome", "")))
    flash(problem or "The post is closed.", "error" if problem else "success")
    return redirect(url_for("needs.show", need_id=need.id))


@bp.route("/needs/<int:need_id>/report", methods=["GET", "POST"])
@login_required
def report(need_id: int):
    need = load(Need, need_id, "need.report")
    answer = _reply_on(need, request.args.get("reply"))
    form, problem = ReportForm(), None
    if form.validate_on_submit():
        _done, problem = attempt(lambda: service.report(current_user, need, form.reason.data, form.details.data, answer))
        if problem is None:
            flash("Thank you. An administrator will look at it.", "success")
            return redirect(url_for("needs.show", need_id=need.id))
    return render_template("needs/report.html", need=need, answer=answer, form=form, problem=problem,
                           title="Report a reply" if answer else "Report a post")


@bp.get("/council/needs")
@login_required
def queue():
    council = council_page("council.moderate_needs")
    return render_template("needs/queue.html", council=council, reports=service.queue(council), title="Posted needs to look at")


@bp.route("/council/needs/<int:need_id>", methods=["GET", "POST"])
@login_required
def moderate(need_id: int):
    need = load(Need, need_id, "need.moderate")
    answer = _reply_on(need, request.args.get("reply"))
    form, problem = ModerationForm(), None
    if form.validate_on_submit():
        _done, problem = attempt(lambda: service.moderate(current_user, need, form.action.data, form.reason.data, answer))
        if problem is None:
            flash("Decision recorded.", "success")
            return redirect(url_for("needs.queue"))
    return render_template("needs/moderate.html", need=need, answer=answer, form=form, problem=problem,
                           council=current_council(), title=f"Posted need {need.id}")


@needs_cli.command("expire")
def expire_command() -> None:
    """End posts open for 30 days. Safe to run as often as you like (daily is enough): an ended post
    is never ended twice."""
    click.echo(f"Ended {service.expire()} posts open for {service.OPEN_DAYS} days.")


def init_app(app) -> None:
    """Pages and ``flask needs``."""
    app.register_blueprint(bp)
    app.cli.add_command(needs_cli)
    app.add_template_global(taxonomy.category_name, "category_name")
