"""Rules for holder records and delegations. Views call these; these call the policy."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy.orm import selectinload

from .. import clock
from ..accounts import roles as R
from ..accounts import service as accounts
from ..errors import DomainError, NotAllowed
from ..events import service as events
from ..extensions import db
from ..policy import can
from .models import CONTACT_CHANNELS, DELEGATE_KINDS, RIGHTS, Delegation, Holder


def new_reference(council) -> str:
    return f"{council.slug[:3].upper()}-{secrets.token_hex(4).upper()}"


def create_holder(actor, council, *, name: str, email: str | None, preferred_contact: str = "email",
                  postcode_district: str | None = None, invite: bool = True, reference: str | None = None,
                  **fields) -> Holder:
    """Set up a budget holder in ``council``. With an email, they get an invitation link.

    A broker who sets someone up is given a delegation (view and order) recorded as
    the consent they were given; the holder can change or revoke it later.
    """
    if not can(actor, "holder.create", council):
        raise NotAllowed("You cannot set up budget holders in this council.")
    if preferred_contact not in CONTACT_CHANNELS:
        raise DomainError("Choose how the person would like to be contacted.")
    user = None
    if email:
        # Never attach someone else's existing account (a member of staff, a provider) to a new holder:
        # that would give it the holder's money without their say.
        if accounts.find_by_email(email) is not None:
            raise DomainError("That email address already has an account. Check it is the person's own address, "
                              "or set them up without email and ask them to contact the council.")
        user = accounts.create_user(email, name)
        accounts.grant_role(user, R.HOLDER, council)
    holder = Holder(
        council_id=council.id, user=user, name=name.strip(), reference=reference or new_reference(council),
        preferred_contact=preferred_contact,
        postcode_district=(postcode_district or "").strip().upper() or None, **fields,
    )
    db.session.add(holder)
    db.session.flush()
    events.record("holder.created", actor=actor, holder=holder, obj=holder)
    if actor.has_role(R.BROKER, council.id) and not actor.has_role(R.CARE_COORDINATOR, council.id):
        _add_delegation(actor, holder, actor, "broker", ["view", "order"], clock.today(), None,
                        "Set up by this broker with the person's agreement")
    if user is not None and invite and not user.password_hash:
        accounts.send_invitation(user, invited_by=actor)
    db.session.commit()
    return holder


EDITABLE_FIELDS = ("preferred_contact", "phone", "address", "accessibility_needs", "about_me", "postcode_district")


def update_record(actor, holder: Holder, **changes) -> Holder:
    if not can(actor, "holder.edit_record", holder):
        raise NotAllowed("You cannot change this person's details.")
    if "preferred_contact" in changes and changes["preferred_contact"] not in CONTACT_CHANNELS:
        raise DomainError("Choose how the person would like to be contacted.")
    changed = []
    for field in EDITABLE_FIELDS:
        if field in changes:
            value = changes[field]
            value = value.strip() if isinstance(value, str) else value
            if field == "postcode_district" and value:
                value = value.upper()
            if getattr(holder, field) != (value or None if field != "preferred_contact" else value):
                setattr(holder, field, value or None if field != "preferred_contact" else value)
                changed.append(field)
    if "named_contact_id" in changes and can(actor, "council.staff_area", holder.council):
        holder.named_contact_id = changes["named_contact_id"]
        changed.append("named_contact_id")
    if changed:
        events.record("holder.record_changed", actor=actor, holder=holder, obj=holder, fields=changed)
    db.session.commit()
    return holder


def grant_delegation(actor, holder: Holder, delegate_email: str, kind: str, rights: list[str],
                     starts_on: date, ends_on: date | None, consent_note: str | None = None,
                     delegate_name: str | None = None) -> Delegation:
    """Give a representative or broker rights over the holder's account, with recorded consent.

    A representative without an account is created and invited. A broker must already
    hold the broker role in the holder's council.
    """
    if not can(actor, "holder.manage_delegations", holder):
        raise NotAllowed("You cannot change who may act for this person.")
    if kind not in DELEGATE_KINDS:
        raise DomainError("Choose whether this is a representative or a broker.")
    rights = [r for r in RIGHTS if r in set(rights)]
    if not rights:
        raise DomainError("Choose at least one thing they may do.")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError("The end date must be on or after the start date.")
    delegate = accounts.find_by_email(delegate_email)
    if kind == "broker":
        if delegate is None or not delegate.has_role(R.BROKER, holder.council_id):
            raise DomainError("There is no broker with that email address working in this council.")
    elif delegate is None:
        delegate = accounts.create_user(delegate_email, delegate_name or delegate_email.split("@")[0])
    if delegate.id == holder.user_id:
        raise DomainError("A person cannot be their own representative.")
    if kind == "representative":
        accounts.grant_role(delegate, R.REPRESENTATIVE, holder.council)
    delegation = _add_delegation(actor, holder, delegate, kind, rights, starts_on, ends_on, consent_note)
    if delegate.password_hash is None:
        accounts.send_invitation(delegate, invited_by=actor)
    db.session.commit()
    return delegation


def _add_delegation(actor, holder, delegate, kind, rights, starts_on, ends_on, consent_note) -> Delegation:
    delegation = Delegation(holder=holder, delegate=delegate, kind=kind, rights=list(rights), starts_on=starts_on,
                            ends_on=ends_on, consent_recorded_by=actor, consent_note=consent_note)
    db.session.add(delegation)
    db.session.flush()
    events.record("delegation.granted", actor=actor, holder=holder, obj=delegation,
                  delegate=delegate.email, kind=kind, rights=list(rights))
    return delegation


def revoke_delegation(actor, delegation: Delegation) -> Delegation:
    if not can(actor, "delegation.revoke", delegation):
        raise NotAllowed("You cannot end this arrangement.")
    if delegation.revoked_at is not None:
        raise DomainError("This arrangement has already ended.")
    delegation.revoked_at = clock.now()
    delegation.revoked_by = actor
    events.record("delegation.revoked", actor=actor, holder=delegation.holder, obj=delegation,
                  delegate=delegation.delegate.email)
    db.session.commit()
    return delegation


def holders_acting_for(user) -> list[Holder]:
    """Holders whose account ``user`` may see through a live delegation (a broker's caseload), with
    their councils and delegations (what the policy reads to say what ``user`` may do for each), in
    four queries however many there are."""
    holder = selectinload(Delegation.holder)
    delegations = db.session.scalars(db.select(Delegation).filter_by(delegate_id=user.id, revoked_at=None)
                                     .options(holder.selectinload(Holder.council),
                                              holder.selectinload(Holder.delegations))).all()
    return sorted({d.holder for d in delegations if d.is_active()}, key=lambda h: (h.name, h.id))


def holder_for_user(user) -> Holder | None:
    return db.session.scalar(db.select(Holder).filter_by(user_id=user.id))


HOLDERS_PER_PAGE = 25
MOST_SEARCH_CHARACTERS = 100


@dataclass
class HolderPage:
    """One page of a council's holders, found by name or reference."""

    holders: list[Holder]
    total: int
    page: int
    per_page: int
    search: str

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def holders_in(council, search: str = "", page: int = 1, per_page: int = HOLDERS_PER_PAGE) -> HolderPage:
    """A page of ``council``'s holders by name, those whose name or case reference contains ``search``
    (any case; "%" and "_" are plain characters), with how many there are in all."""
    search = " ".join((search or "").split())[:MOST_SEARCH_CHARACTERS]
    query = db.select(Holder).where(Holder.council_id == council.id)
    if search:
        pattern = search.lower()
        query = query.where(db.or_(func.lower(Holder.name).contains(pattern, autoescape=True),
                                   func.lower(Holder.reference).contains(pattern, autoescape=True)))
    total = db.session.scalar(db.select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    found = db.session.scalars(query.options(selectinload(Holder.user)).order_by(Holder.name, Holder.id)
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return HolderPage(list(found), total, page, per_page, search)
