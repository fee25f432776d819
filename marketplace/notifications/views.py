"""The notifications page."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..holders.forms import ConfirmForm
from . import service

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    return render_template("notifications/index.html", notes=service.for_user(current_user), form=ConfirmForm(),
                           title="Notifications")


@bp.post("/notifications/read")
@login_required
def mark_read():
    if ConfirmForm().validate_on_submit():
        count = service.mark_all_read(current_user)
        flash(f"Marked {count} as read.", "success")
    return redirect(url_for("notifications.index"))
