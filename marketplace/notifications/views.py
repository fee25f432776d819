"""The notifications page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..forms import ConfirmForm
from ..policy import require
from . import service

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _unread():
    """Every page's header shows how many notifications are unread: counted once a request, though
    every template rendered (one per form field with the GOV.UK widgets) asks."""
    if "unread_notifications" not in g:
        g.unread_notifications = service.unread_count(current_user) if current_user.is_authenticated else 0
    return {"unread_notifications": g.unread_notifications}


@bp.get("/notifications")
@login_required
def index():
    require(current_user, "account.own")
    return render_template("notifications/index.html", notes=service.for_user(current_user), form=ConfirmForm(),
                           title="Notifications")


@bp.post("/notifications/read")
@login_required
def mark_read():
    require(current_user, "account.own")
    if ConfirmForm().validate_on_submit():
        count = service.mark_all_read(current_user)
        flash(f"Marked {count} as read.", "success")
    return redirect(url_for("notifications.index"))


@bp.get("/notifications/<int:note_id>/open")
@login_required
def open_(note_id: int):
    """Follow a notification's link: it is marked read, then the person goes where it points
    (only ever a page inside the product; a notification without one stays on the list)."""
    require(current_user, "account.own")
    note = service.open_note(current_user, note_id)
    if note is None:
        abort(404)
    return redirect(service.inside_path(note.link) or url_for("notifications.index"))
