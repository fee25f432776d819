"""Account rules: creating users, signing in, resets, invitations, registration."""
from __future__ import annotations

from datetime import timedelta

from .. import clock, links, mail
from ..errors import DomainError
from ..events import service as events
from ..extensions import db
from . import roles as R
from . import sessions
from .models import RoleGrant, User
from .passwords import hash_password, password_problem, verify_password
from .tokens import INVITATION, RESET, make_token, read_token


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))


def create_user(email: str, name: str, password: str | None = None, phone: str | None = None) -> User:
    """Add a user (caller commits). Without a password the user must be invited."""
    email = normalise_email(email)
    if find_by_email(email):
        raise DomainError("An account with that email address already exists.")
    user = User(email=email, name=name.strip(), phone=phone)
    if password:
        _set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def grant_role(user: User, role: str, council=None, organisation=None) -> RoleGrant:
    if role not in R.ALL:
        raise DomainError(f"Unknown role {role!r}.")
    for grant in user.grants:
        if grant.role == role and grant.council_id == getattr(council, "id", None) and grant.organisation_id == getattr(organisation, "id", None):
            return grant
    grant = RoleGrant(role=role, council=council, organisation=organisation)
    user.grants.append(grant)
    db.session.flush()
    return grant


def _set_password(user: User, password: str) -> None:
    problem = password_problem(password, email=user.email, name=user.name)
    if problem:
        raise DomainError(problem)
    user.password_hash = hash_password(password)
    user.password_set_at = clock.now()


def authenticate(email: str, password: str) -> User | None:
    """The user if the email and password match an active account, else None."""
    user = find_by_email(email)
    if user is None:
        verify_password(None, password)  # the same work as for a real account
        return None
    # Check the password before the account's state, so a closed account takes the usual time too.
    if not verify_password(user.password_hash, password) or not user.is_active_account:
        return None
    user.last_signed_in_at = clock.now()
    events.record("account.signed_in", actor=user, obj=user)
    db.session.commit()
    return user


class WrongPassword(DomainError):
    """The current password given was not right (this is what a password-guessing limit counts)."""


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise WrongPassword("Your current password is not right")
    _set_password(user, new)
    ended = sessions.end_others(user)  # anyone else signed in as this person is signed out
    events.record("account.password_changed", actor=user, obj=user, sessions_ended=ended)
    db.session.commit()


def update_details(user: User, name: str, phone: str | None) -> None:
    user.name = name.strip()
    user.phone = (phone or "").strip() or None
    events.record("account.details_changed", actor=user, obj=user)
    db.session.commit()


RESET_EMAILS_PER_HOUR = 3


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists. Says nothing either way, to protect privacy.

    At most RESET_EMAILS_PER_HOUR go to one account, however many addresses ask: nobody can fill
    a person's inbox. Past that nothing is sent and the page looks the same; the links already
    sent still work, so the owner is never stopped from resetting."""
    user = find_by_email(email)
    if user is None or not user.is_active_account:
        return
    if events.count_since("account.reset_requested", user, clock.now() - timedelta(hours=1)) >= RESET_EMAILS_PER_HOUR:
        return
    link = links.url("accounts.reset_password", token=make_token(user, RESET))
    mail.send(
        user.email,
        "Reset your Support Market password",
        f"Hello {user.name},\n\nUse this link to choose a new password. It works once, for one hour:\n{link}\n\n"
        "If you did not ask for this, you can ignore this email: your password has not changed.",
    )
    events.record("account.reset_requested", obj=user)
    db.session.commit()


def reset_password(token: str, new_password: str) -> User:
    user = read_token(token, RESET)
    _set_password(user, new_password)
    ended = sessions.end_others(user, keep_this=False)  # whoever had the old password is signed out everywhere
    events.record("account.password_reset", actor=user, obj=user, sessions_ended=ended)
    db.session.commit()
    return user


def send_invitation(user: User, invited_by: User | None = None) -> str:
    """Email (or re-email) an invitation link to set a password; returns the link."""
    user.invited_at = clock.now()
    link = links.url("accounts.accept_invitation", token=make_token(user, INVITATION))
    inviter = f" {invited_by.name} has set up an account for you." if invited_by else ""
    mail.send(
        user.email,
        "You have been invited to Support Market",
        f"Hello {user.name},\n\n{inviter.strip()} Use this link to choose your password and sign in. "
        f"It works for 14 days:\n{link}\n\nIf you need help, reply to this email or call your council.",
    )
    events.record("account.invited", actor=invited_by, obj=user)
    return link


def accept_invitation(token: str, new_password: str) -> User:
    user = read_token(token, INVITATION)
    _set_password(user, new_password)
    events.record("account.invitation_accepted", actor=user, obj=user)
    db.session.commit()
    return user
