"""Pages for sharing a holder's "about me" with an order's provider, and stopping; the wiring of it."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..forms import ConfirmForm
from ..web import attempt, load
from . import sharing
from .models import Order
from .sharing_models import Sharing

bp = Blueprint("sharing", __name__)


@bp.post("/orders/<int:order_id>/about-me/share")
@login_required
def share(order_id: int):
    order = load(Order, order_id, "about_me.share")
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("Something went wrong. Please try again.", "error")
        return redirect(url_for("orders.show", order_id=order.id))
    _done, problem = attempt(lambda: sharing.share(current_user, order))
    flash(problem or f"Shared with {order.organisation.name} for this order. You can stop sharing at any time.",
          "error" if problem else "success")
    return redirect(url_for("orders.show", order_id=order.id))


@bp.route("/about-me-sharings/<int:sharing_id>/stop", methods=["GET", "POST"])
@login_required
def stop(sharing_id: int):
    row = load(Sharing, sharing_id, "about_me.share", via=lambda s: s.order)
    if row.withdrawn_at is not None:
        flash(f"You already stopped sharing with {row.organisation.name} for order {row.order_id}.", "success")
        return redirect(url_for("holders.show", holder_id=row.holder_id))
    form = ConfirmForm()
    form.submit.label.text = "Yes, stop sharing"
    if request.method == "POST" and form.validate_on_submit():
        sharing.withdraw(current_user, row)
        flash(f"{row.organisation.name} can no longer see your 'about me' for order {row.order_id}.", "success")
        return redirect(url_for("holders.show", holder_id=row.holder_id))
    return render_template("orders/stop_sharing.html", sharing=row, form=form, title="Stop sharing your 'about me'?")


def init_app(app) -> None:
    """The pages, and the template globals the order page and the holder's page use for their panels."""
    app.register_blueprint(bp)
    app.add_template_global(lambda order: sharing.panel_for(current_user, order), "about_me_panel")
    app.add_template_global(sharing.for_holder, "about_me_sharings")
