"""The help pages: a list of topics and each topic for a council, in standard or easy read; and, for the
council's administrators, editing a text, its history, and restoring an old version."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from catalogue.listings import priced_in
from catalogue.models import Listing

from ..budgets.models import DEPLOYMENT_OPTIONS
from ..councils.models import Council
from ..extensions import db
from ..policy import can
from ..taxonomy import categories
from ..web import attempt, council_page, current_council, load
from . import content, service
from .forms import HelpTextForm, RestoreForm
from .models import HelpPageVersion

bp = Blueprint("help", __name__)
LISTINGS_SHOWN = 3  # a few real listings, so "what can I buy" has local answers
CATEGORIES_SHOWN = 8


def _reading() -> str:
    """Standard unless ``?version=easy``; anything else is a page that does not exist."""
    reading = request.args.get("version", "standard")
    if reading not in content.READINGS:
        abort(404)
    return reading


def _topic(topic: str) -> str:
    if topic not in content.TOPICS:
        abort(404)
    return topic


def _viewer_council() -> Council | None:
    """The council asked for in ``?council=``, else the viewer's own, else none (the page offers a choice)."""
    if "choose" in request.args:
        return None
    slug = request.args.get("council", "")
    if slug:
        return db.session.scalar(db.select(Council).filter_by(slug=slug[:60])) or abort(404)
    return current_council()


def _may_edit(council: Council) -> bool:
    """Edit links show on the administrator's own current council's pages (the edit pages work in it)."""
    return council == current_council() and can(current_user, "help.edit", council)


def _facts(council: Council, topic: str) -> dict:
    """The council's own facts shown beside a topic's text, so they are always current."""
    if topic == "spending":
        spend = sorted((c for c in categories().values() if c["spend_rank"] is not None), key=lambda c: c["spend_rank"])
        listings: list[Listing] = db.session.scalars(priced_in(council).limit(LISTINGS_SHOWN)).all()
        return {"categories": spend[:CATEGORIES_SHOWN], "listings": listings}
    if topic == "holding-the-money":
        return {"options": [label for key, label in DEPLOYMENT_OPTIONS.items() if key != "mixed"]}
    if topic == "underspend":
        return {"rule": content.underspend_words(council)}
    if topic == "contributions":
        return {"contribution": content.contribution_words(council)}
    return {}


@bp.get("/help")
def index():
    council = _viewer_council()
    councils = [] if council is not None else db.session.scalars(db.select(Council).order_by(Council.name)).all()
    return render_template("help/index.html", council=council, councils=councils, topics=content.TOPICS,
                           may_edit=council is not None and _may_edit(council),
                           title=f"Help with personal budgets in {council.name}" if council else "Help with personal budgets")


@bp.get("/help/<topic>")
def topic(topic: str):
    topic, reading = _topic(topic), _reading()
    council = _viewer_council()
    if council is None:
        return redirect(url_for("help.index"))
    other = "standard" if reading == "easy" else "easy"
    return render_template("help/topic.html", council=council, topic=topic, reading=reading, other=other,
                           body=service.text(council, topic, reading, styled=True), facts=_facts(council, topic),
                           readings=content.READINGS, saved=service.latest(council, topic, reading),
                           may_edit=_may_edit(council),
                           title=content.title(topic) + (" (easy read)" if reading == "easy" else ""))


@bp.route("/help/<topic>/edit", methods=["GET", "POST"])
@login_required
def edit(topic: str):
    topic, reading = _topic(topic), _reading()
    council = council_page("help.edit")
    form, problem = HelpTextForm(), None
    if request.method == "GET":
        form.body.data = service.text(council, topic, reading)
    elif form.validate_on_submit():
        _done, problem = attempt(lambda: service.save(current_user, council, topic, reading, form.body.data))
        if problem is None:
            flash("Your new version is saved and shown on the page.", "success")
            return redirect(url_for("help.topic", topic=topic, version=reading, council=council.slug))
    return render_template("help/edit.html", council=council, topic=topic, reading=reading, form=form, problem=problem,
                           readings=content.READINGS,
                           title=f"Edit {content.title(topic)} ({content.READINGS[reading].lower()})")


@bp.get("/help/<topic>/history")
@login_required
def history(topic: str):
    topic, reading = _topic(topic), _reading()
    council = council_page("help.edit")
    return render_template("help/history.html", council=council, topic=topic, reading=reading,
                           versions=service.history(council, topic, reading), form=RestoreForm(),
                           readings=content.READINGS,
                           title=f"Versions of {content.title(topic)} ({content.READINGS[reading].lower()})")


@bp.post("/help/versions/<int:help_version_id>/restore")
@login_required
def restore(help_version_id: int):
    version = load(HelpPageVersion, help_version_id, "help.edit", via=lambda v: v.council)
    form = RestoreForm()
    if not form.validate_on_submit():
        abort(400)
    service.restore(current_user, version)
    flash("That version is restored. It is now the newest version.", "success")
    return redirect(url_for("help.history", topic=version.topic, version=version.reading))


def init_app(app) -> None:
    app.register_blueprint(bp)
