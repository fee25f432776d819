"""Organisations registering themselves and councils deciding on them."""
from __future__ import annotations

from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.accounts import service as accounts
from marketplace.errors import DomainError, NotAllowed
from marketplace.events import service as events
from marketplace.extensions import db
from marketplace.policy import can

from .models import ORGANISATION_KINDS, Organisation, OrganisationApproval

# The role a registering person gets, by kind of organisation.
OWNER_ROLE = {
    "personal_assistant": R.PERSONAL_ASSISTANT,
    "community_group": R.COMMUNITY_GROUP,
}
DECISIONS = {"approved", "rejected", "suspended"}


def register(*, organisation_name: str, kind: str, councils: list, person_name: str, email: str,
             password: str, phone: str | None = None, summary: str | None = None) -> Organisation:
    """A provider, PA or community group signs up; each chosen council must approve them."""
    if kind not in ORGANISATION_KINDS or kind == "council_service":
        raise DomainError("Choose what kind of organisation you are.")
    if not councils:
        raise DomainError("Choose at least one council area you work in.")
    user = accounts.create_user(email, person_name, password=password, phone=phone)
    organisation = Organisation(name=organisation_name.strip(), kind=kind, summary=summary, email=user.email, phone=phone)
    db.session.add(organisation)
    db.session.flush()
    accounts.grant_role(user, OWNER_ROLE.get(kind, R.PROVIDER_ADMIN), organisation=organisation)
    for council in councils:
        db.session.add(OrganisationApproval(organisation=organisation, council_id=council.id, status="pending"))
        events.record("organisation.registered", actor=user, council_id=council.id, obj=organisation)
    db.session.commit()
    return organisation


def decide(actor, approval: OrganisationApproval, status: str, reason: str | None) -> OrganisationApproval:
    """A council administrator approves, rejects or suspends. Rejecting or suspending needs a reason."""
    if not can(actor, "organisation.decide_approval", approval):
        raise NotAllowed("Only this council's administrators can decide on organisations.")
    if status not in DECISIONS:
        raise DomainError("Choose approve, reject or suspend.")
    if status != "approved" and not (reason or "").strip():
        raise DomainError("Give a reason the organisation can read.")
    previous = approval.status
    approval.status = status
    approval.reason = (reason or "").strip() or None
    approval.decided_by = actor
    approval.decided_at = clock.now()
    events.record(f"organisation.{status}", actor=actor, council_id=approval.council_id,
                  obj=approval.organisation, previous=previous, reason=approval.reason)
    db.session.commit()
    return approval


def pending_in(council) -> list[OrganisationApproval]:
    return db.session.scalars(
        db.select(OrganisationApproval).filter_by(council_id=council.id, status="pending").order_by(OrganisationApproval.created_at)
    ).all()


def organisations_of(user) -> list[Organisation]:
    ids = user.organisation_ids()
    if not ids:
        return []
    return db.session.scalars(db.select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)).all()


PROFILE_FIELDS = ("summary", "description", "email", "phone", "website", "address", "accessibility", "cqc_location_id",
                  "cqc_rating")


def update_profile(actor, organisation: Organisation, *, name: str, areas_served: list[str], languages: list[str],
                   **fields) -> Organisation:
    """An organisation's admin changes its public profile. Areas must be postcode districts."""
    from .taxonomy import normalise_district

    if not can(actor, "organisation.manage", organisation):
        raise NotAllowed("You cannot change this organisation's profile.")
    if not (name or "").strip():
        raise DomainError("Enter a name.")
    districts = [normalise_district(a) for a in areas_served]
    if None in districts:
        raise DomainError("Enter areas as the first part of postcodes, like SK1, SK2")
    organisation.name = name.strip()
    for key in PROFILE_FIELDS:
        if key in fields:
            setattr(organisation, key, (fields[key] or "").strip() or None)
    organisation.areas_served = list(dict.fromkeys(districts))
    organisation.languages = list(languages or [])
    events.record("organisation.profile_changed", actor=actor, obj=organisation)
    db.session.commit()
    return organisation
