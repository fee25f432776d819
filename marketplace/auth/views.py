"""Sign in and out, password reset, invitations and account settings. Thin: rules live in service.py."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from ..accounts import service, sessions
from ..accounts.tokens import INVITATION, RESET, TokenError, read_token
from ..errors import DomainError
from ..extensions import db, limiter
from ..policy import require
from . import throttle
from .forms import ChangePasswordForm, DetailsForm, ForgotPasswordForm, NewPasswordForm, SignInForm

bp = Blueprint("accounts", __name__)


def _reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(throttle.attempt_limit, methods=["POST"], key_func=throttle.attempt_key, deduct_when=throttle.failed)
@limiter.limit(throttle.account_limit, methods=["POST"], key_func=throttle.account_key, deduct_when=throttle.failed,
               exempt_when=lambda: throttle.trusted_device() is not None)
@limiter.limit(throttle.address_limit, methods=["POST"], key_func=throttle.address_key, deduct_when=throttle.failed)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    problem = None
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            sessions.sign_in(user)
            response = redirect(_safe_next(request.args.get("next")))
            throttle.remember_device(response, user)
            return response
        problem = "The email address or password is not right. Check them and try again."
    return render_template("accounts/sign_in.html", form=form, problem=problem, title="Sign in"), (401 if problem else 200)


@bp.post("/sign-out")
def sign_out():
    sessions.end_this()
    logout_user()
    db.session.commit()
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data)
        return render_template("accounts/reset_sent.html", email=form.email.data, title="Check your email")
    return render_template("accounts/forgot_password.html", form=form, title="Reset your password")


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str):
    return _choose_password(token, RESET, service.reset_password, "Choose a new password")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def accept_invitation(token: str):
    return _choose_password(token, INVITATION, service.accept_invitation, "Choose your password")


def _choose_password(token: str, purpose: str, action, title: str):
    try:
        user = read_token(token, purpose)
    except TokenError as error:
        return render_template("accounts/bad_link.html", message=error.message, title="This link does not work"), 400
    form = NewPasswordForm()
    problem = None
    if form.validate_on_submit():
        try:
            user = action(token, form.password.data)
        except (DomainError, TokenError) as error:
            problem = error.message
        else:
            sessions.sign_in(user)
            flash("Your password has been saved and you are signed in.", "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/choose_password.html", form=form, problem=problem, title=title, user=user)


@bp.route("/account", methods=["GET", "POST"])
@login_required
@limiter.limit(throttle.password_check_limit, methods=["POST"], key_func=throttle.user_key,
               deduct_when=lambda _response: g.get("wrong_password", False))
def settings():
    require(current_user, "account.own")
    details = DetailsForm(prefix="details", obj=current_user)
    password = ChangePasswordForm(prefix="password")
    problem = None
    if request.method == "POST":
        if "details-submit" in request.form and details.validate():
            service.update_details(current_user, details.name.data, details.phone.data)
            flash("Your details have been saved.", "success")
            return redirect(url_for("accounts.settings"))
        if "password-submit" in request.form and password.validate():
            try:
                service.change_password(current_user, password.current.data, password.password.data)
            except DomainError as error:
                g.wrong_password = isinstance(error, service.WrongPassword)
                problem = error.message
            else:
                flash("Your password has been changed.", "success")
                return redirect(url_for("accounts.settings"))
    form = details if details.errors else password if password.errors else None
    return render_template("accounts/settings.html", details=details, password=password, form=form, problem=problem, title="Your account")
