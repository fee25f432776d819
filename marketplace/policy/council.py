"""Council-wide rules, organisations, listings and the catalogue, spending and audit."""
from __future__ import annotations

from ..accounts import roles as R
from .base import _CASEWORK, _staff, _works_for, rule
from .holders import _holder_view

# --- council-wide ------------------------------------------------------------

@rule("holder.create")
def _holder_create(user, council) -> bool:
    """Holders are set up by their council, or by a broker working in that council."""
    return _staff(user, council.id, *_CASEWORK, R.BROKER)


@rule("caseload.view")
def _caseload(user, _target=None) -> bool:
    return any(g.role == R.BROKER for g in user.grants)


@rule("statements.caseload")
def _statements_caseload(user, _target=None) -> bool:
    """A broker's or representative's (a budget manager's) summary of the statements of everyone whose
    account they look after (each statement is still asked of ``holder.view``)."""
    return any(g.role in (R.BROKER, R.REPRESENTATIVE) for g in user.grants)


@rule("council.staff_area")
def _staff_area(user, council) -> bool:
    return _staff(user, council.id, *R.COUNCIL_STAFF)


@rule("council.holders")
def _council_holders(user, council) -> bool:
    """The list of a council's holders: case and finance staff, never commissioners (no identities)."""
    return _staff(user, council.id, *_CASEWORK, R.FINANCE_OFFICER)


@rule("council.reports")
def _reports(user, council) -> bool:
    return _staff(user, council.id, R.COMMISSIONER, R.ADMINISTRATOR)


@rule("council.plans")
def _council_plans(user, council) -> bool:
    """The coordinator workspace: plans waiting for a decision."""
    return _staff(user, council.id, *_CASEWORK)


@rule("council.finance")
def _finance(user, council) -> bool:
    return _staff(user, council.id, R.FINANCE_OFFICER, R.ADMINISTRATOR)


@rule("council.clawbacks")
def _clawbacks(user, council) -> bool:
    """Underspend proposals (the finance queue) and deciding them: taking money back is a decision for the
    council's finance officers, never the holder's, a coordinator's, or a job's."""
    return _staff(user, council.id, R.FINANCE_OFFICER)


@rule("council.administer")
def _administer(user, council) -> bool:
    return _staff(user, council.id, R.ADMINISTRATOR)


@rule("council.events")
def _events(user, council) -> bool:
    return _staff(user, council.id, R.ADMINISTRATOR)


@rule("cqc.import")
def _cqc_import(user, _target=None) -> bool:
    """The CQC's care directory covers organisations in every council, so any council's administrator may
    import it. Asked without a target (see the view)."""
    return any(g.role == R.ADMINISTRATOR and g.council_id is not None for g in user.grants)


# --- organisations -------------------------------------------------------------

@rule("organisation.manage")
def _org_manage(user, organisation) -> bool:
    return any(g.organisation_id == organisation.id and g.role in (R.PROVIDER_ADMIN, R.PERSONAL_ASSISTANT, R.COMMUNITY_GROUP)
               for g in user.grants)


@rule("organisation.view_private")
def _org_view_private(user, organisation) -> bool:
    """Staff of the organisation see its portal; admins of councils it applied to see its record."""
    if any(g.organisation_id == organisation.id for g in user.grants):
        return True
    return any(_staff(user, a.council_id, R.ADMINISTRATOR) for a in organisation.approvals)


@rule("organisation.decide_approval")
def _org_decide(user, approval) -> bool:
    return _staff(user, approval.council_id, R.ADMINISTRATOR)


@rule("organisation.orders")
def _org_orders(user, organisation) -> bool:
    """Everyone who works for the organisation sees and handles its orders and enquiries."""
    return _works_for(user, organisation.id)


@rule("organisation.finance")
def _org_finance(user, organisation) -> bool:
    """Its invoices, payments and remittances: everyone who works for the organisation."""
    return _works_for(user, organisation.id)


@rule("organisation.manage_listings")
def _org_manage_listings(user, organisation) -> bool:
    """Everyone who works for the organisation, staff included, may look after its listings."""
    return any(g.organisation_id == organisation.id and g.role in R.ORGANISATION_ROLES for g in user.grants)


# --- listings and the council's catalogue ------------------------------------------

@rule("listing.manage")
def _listing_manage(user, listing) -> bool:
    if listing.organisation_id is not None:
        return _org_manage_listings(user, listing.organisation)
    return listing.council_id is not None and _staff(user, listing.council_id, R.ADMINISTRATOR)


@rule("listing.view_unpublished")
def _listing_view_unpublished(user, listing) -> bool:
    """Drafts, paused and archived listings: their own organisation and the councils that moderate them."""
    if _listing_manage(user, listing):
        return True
    council_ids = {listing.council_id} if listing.council_id else set()
    if listing.organisation is not None:
        council_ids |= {a.council_id for a in listing.organisation.approvals}
    return any(_staff(user, c, R.ADMINISTRATOR) for c in council_ids)


@rule("community.moderate")
def _community_moderate(user, listing) -> bool:
    return listing.council_id is not None and _staff(user, listing.council_id, R.ADMINISTRATOR)


@rule("council.see_agreed_prices")
def _see_agreed_prices(user, council) -> bool:
    """A council's agreed (private) rates are for the people it funds and those who act for them
    or work for it: anyone with a role in that council. Providers and the public see public prices."""
    return any(g.council_id == council.id for g in user.grants)


@rule("council.agree_prices")
def _agree_prices(user, council) -> bool:
    """The commissioning team agrees rates; finance and administrators may too."""
    return _staff(user, council.id, R.COMMISSIONER, R.FINANCE_OFFICER, R.ADMINISTRATOR)


@rule("council.moderate")
def _moderate(user, council) -> bool:
    return _staff(user, council.id, R.ADMINISTRATOR)


@rule("account.own")
def _account_own(user, _target=None) -> bool:
    """A person's own settings and notifications."""
    return True


# --- spending outside the marketplace, receipts and audit ------------------------------

@rule("receipt.view")
def _receipt_view(user, purchase) -> bool:
    """A receipt is seen by whoever may see the holder's account (their council's case and finance staff too)."""
    return _holder_view(user, purchase.holder)


@rule("council.audit")
def _council_audit(user, council) -> bool:
    """Audit reports (a holder's, asked of their council) and the quarterly return: case and finance staff."""
    return _staff(user, council.id, *_CASEWORK, R.FINANCE_OFFICER)
