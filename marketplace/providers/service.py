"""Provider onboarding: organisations registering themselves, councils deciding on them, and
organisations keeping their profile up to date. Approval moves through ``APPROVAL``."""
from __future__ import annotations

from .. import clock
from ..accounts import roles as R
from ..accounts import service as accounts
from ..accounts.models import RoleGrant
from ..errors import DomainError, NotAllowed
from ..events import service as events
from ..extensions import db
from ..notifications.service import notify_all
from ..policy import can
from ..taxonomy import normalise_district
from .cqc import normalise_id
from .models import APPROVAL, ORGANISATION_KINDS, Organisation, OrganisationApproval

# The role a registering person gets, by kind of organisation.
OWNER_ROLE = {
    "personal_assistant": R.PERSONAL_ASSISTANT,
    "community_group": R.COMMUNITY_GROUP,
}


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
        apply_to(user, organisation, council)
    db.session.commit()
    return organisation


def apply_to(actor, organisation: Organisation, council) -> OrganisationApproval:
    """The organisation asks ``council`` to let it trade in its area (the caller commits)."""
    approval = OrganisationApproval(organisation=organisation, council_id=council.id)
    db.session.add(approval)
    APPROVAL.start(approval, "pending", actor=actor)
    return approval


def decisions(approval: OrganisationApproval) -> list[str]:
    """What a council administrator may decide now: the approval's next states."""
    return [s for s in ("approved", "rejected", "suspended") if APPROVAL.can_move(approval, s)]


def decide(actor, approval: OrganisationApproval, status: str, reason: str | None) -> OrganisationApproval:
    """A council administrator approves, rejects or suspends. Rejecting or suspending needs a reason.

    Raises NotAllowed, DomainError, or InvalidTransition for a decision the approval's state does not allow.
    """
    if not can(actor, "organisation.decide_approval", approval):
        raise NotAllowed("Only this council's administrators can decide on organisations.")
    if status not in APPROVAL.states:
        raise DomainError("Choose approve, reject or suspend.")
    if status != "approved" and not (reason or "").strip():
        raise DomainError("Give a reason the organisation can read.")
    reason = (reason or "").strip() or None
    APPROVAL.move(approval, status, actor=actor, reason=reason, organisation=approval.organisation_id)
    approval.reason = reason
    approval.decided_by = actor
    approval.decided_at = clock.now()
    # Everyone who works for the organisation hears the decision, with the reason, in the product and by email.
    council, name = approval.council.name, approval.organisation.name
    told = {"approved": (f"{council} approved {name}", f"You can now publish listings and take orders from people in {council}."),
            "rejected": (f"{council} did not approve {name}", f"The reason they gave: {reason}"),
            "suspended": (f"{council} suspended {name}", f"Your listings are hidden there for now. The reason they gave: {reason}")}
    title, body = told.get(status, (f"{council} changed {name}'s approval", reason or ""))
    notify_all([g.user for g in db.session.scalars(db.select(RoleGrant).filter_by(organisation_id=approval.organisation_id))],
               title, body, "/provider")
    db.session.commit()
    return approval


def pending_in(council) -> list[OrganisationApproval]:
    return db.session.scalars(
        db.select(OrganisationApproval).filter_by(council_id=council.id, status="pending").order_by(OrganisationApproval.created_at)
    ).all()


def approvals_in(council) -> list[OrganisationApproval]:
    return db.session.scalars(db.select(OrganisationApproval).filter_by(council_id=council.id)
                              .order_by(OrganisationApproval.status, OrganisationApproval.created_at)).all()


def approved_in(council) -> list[Organisation]:
    """The organisations ``council`` lets trade in its area, by name."""
    return db.session.scalars(db.select(Organisation).join(OrganisationApproval).where(
        OrganisationApproval.council_id == council.id, OrganisationApproval.status == "approved")
        .order_by(Organisation.name)).all()


def organisations_of(user, action: str = "organisation.view_private") -> list[Organisation]:
    """The organisations ``user`` works for on which the policy lets them do ``action``."""
    ids = user.organisation_ids()
    if not ids:
        return []
    found = db.session.scalars(db.select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)).all()
    return [organisation for organisation in found if can(user, action, organisation)]


# Not the CQC rating: that comes only from the CQC's care directory (cqc.py), never from the provider.
PROFILE_FIELDS = ("summary", "description", "email", "phone", "website", "address", "accessibility", "cqc_location_id")


def update_profile(actor, organisation: Organisation, *, name: str, areas_served: list[str], languages: list[str],
                   **fields) -> Organisation:
    """An organisation's admin changes its public profile. Areas must be postcode districts."""
    if not can(actor, "organisation.manage", organisation):
        raise NotAllowed("You cannot change this organisation's profile.")
    if not (name or "").strip():
        raise DomainError("Enter a name.")
    districts = [normalise_district(a) for a in areas_served]
    if None in districts:
        raise DomainError("Enter areas as the first part of postcodes, like SK1, SK2")
    organisation.name = name.strip()
    location_id = organisation.cqc_location_id
    for key in PROFILE_FIELDS:
        if key in fields:
            setattr(organisation, key, (fields[key] or "").strip() or None)
    if normalise_id(organisation.cqc_location_id) != normalise_id(location_id):
        # A rating belongs to the location it was imported for: a new id waits for the next import.
        organisation.cqc_rating = organisation.cqc_checked_on = organisation.cqc_url = organisation.cqc_imported_at = None
    organisation.areas_served = list(dict.fromkeys(districts))
    organisation.languages = list(languages or [])
    events.record("organisation.profile_changed", actor=actor, obj=organisation)
    db.session.commit()
    return organisation
