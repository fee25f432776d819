"""Users and their role grants."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime
from . import roles as R


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # None until the person sets a password from their invitation.
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    password_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    grants: Mapped[list["RoleGrant"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<User {self.email}>"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    def roles_in(self, council_id: int | None) -> set[str]:
        return {g.role for g in self.grants if g.council_id == council_id}

    def has_role(self, role: str, council_id: int | None = None) -> bool:
        return any(g.role == role and (council_id is None or g.council_id == council_id) for g in self.grants)

    def council_ids(self) -> set[int]:
        return {g.council_id for g in self.grants if g.council_id is not None}

    def organisation_ids(self, *roles: str) -> set[int]:
        wanted = roles or R.ORGANISATION_ROLES
        return {g.organisation_id for g in self.grants if g.organisation_id is not None and g.role in wanted}


class RoleGrant(db.Model):
    """One role held by one user in one council (and, for providers, one organisation)."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "council_id", "organisation_id", name="uq_role_grants_user_role_scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), nullable=True, index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    user: Mapped[User] = relationship(back_populates="grants")
    council = relationship("Council")
    organisation = relationship("Organisation")

    @property
    def label(self) -> str:
        return R.LABELS.get(self.role, self.role)


class SignInSession(db.Model):
    """One signed-in browser. Its token travels in the (signed) session cookie; ending the row ends
    that browser's session, so a copied cookie stops working after sign-out or a password change."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token: a stolen table signs nobody in
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
