"""A council decides which organisations trade in its area; search follows its decisions."""
from __future__ import annotations

import pytest

from catalogue.models import Listing
from marketplace.errors import DomainError, NotAllowed
from marketplace.extensions import db
from marketplace.providers import service as providers
from marketplace.providers.models import OrganisationApproval

from ..helpers import page_text
from .support import result_titles


@pytest.fixture
def councils(make):
    return make.council("aldermoor"), make.council("birchley")


@pytest.fixture
def newcomer(make, councils):
    """A gardening provider that has applied to Aldermoor and has a published listing."""
    aldermoor, _birchley = councils
    organisation = make.organisation(name="Newco Gardens", pending_in=[aldermoor])
    make.listing(organisation, title="Garden clearance", category="gardening", areas=["SK4"])
    return organisation


def _approval(organisation, council):
    return db.session.scalars(db.select(OrganisationApproval).filter_by(organisation_id=organisation.id,
                                                                        council_id=council.id)).one()


def newcomer_listing_id(organisation) -> int:
    return db.session.scalars(db.select(Listing.id).filter_by(organisation_id=organisation.id)).one()


def _search(client, council_slug, text="garden clearance"):
    return result_titles(client.get(f"/catalogue?q={text}&council={council_slug}"))


def test_listings_of_an_organisation_pending_in_a_council_do_not_appear_in_its_search(newcomer, client):
    assert _search(client, "aldermoor") == []


def test_approving_an_organisation_makes_its_listings_appear_in_that_councils_search(make, councils, newcomer, browser):
    aldermoor, _birchley = councils
    admin = make.user("administrator", aldermoor)
    browser.sign_in(admin.email)
    approval = _approval(newcomer, aldermoor)

    response = browser.submit(f"/admin/organisations/{approval.id}", {"status": "approved", "reason": ""},
                              follow_redirects=True)

    assert "Newco Gardens: approved." in page_text(response)
    assert _search(browser, "aldermoor") == ["Garden clearance"]


def test_approval_in_one_council_does_not_show_listings_in_another(make, councils, newcomer, client):
    aldermoor, _birchley = councils
    providers.decide(make.user("administrator", aldermoor), _approval(newcomer, aldermoor), "approved", None)

    assert _search(client, "aldermoor") == ["Garden clearance"]
    assert _search(client, "birchley") == []


def test_suspending_an_organisation_removes_its_listings_from_that_councils_search(make, councils, newcomer, client):
    aldermoor, _birchley = councils
    admin = make.user("administrator", aldermoor)
    approval = _approval(newcomer, aldermoor)
    providers.decide(admin, approval, "approved", None)
    assert _search(client, "aldermoor") == ["Garden clearance"]

    providers.decide(admin, approval, "suspended", "Insurance has lapsed.")

    assert _search(client, "aldermoor") == []


@pytest.mark.parametrize("decision", ["rejected", "suspended"])
def test_turning_an_organisation_down_needs_a_reason(make, councils, newcomer, decision):
    aldermoor, _birchley = councils
    approval = _approval(newcomer, aldermoor)

    with pytest.raises(DomainError, match="Give a reason the organisation can read."):
        providers.decide(make.user("administrator", aldermoor), approval, decision, "  ")


def test_administrator_of_another_council_cannot_decide_on_an_organisation(make, councils, newcomer, browser):
    aldermoor, birchley = councils
    outsider = make.user("administrator", birchley)
    approval = _approval(newcomer, aldermoor)

    with pytest.raises(NotAllowed):
        providers.decide(outsider, approval, "approved", None)
    browser.sign_in(outsider.email)
    assert browser.submit(f"/admin/organisations/{approval.id}", {"status": "approved"}, form_url="/").status_code == 403
    assert browser.get(f"/admin/organisations/{approval.id}").status_code == 403
    db.session.expire_all()
    assert _approval(newcomer, aldermoor).status == "pending"


def test_listings_of_an_organisation_no_council_has_approved_are_hidden_from_everyone(newcomer, client):
    """The portal promises: "People see them once a council approves you"."""
    listing_id = newcomer_listing_id(newcomer)

    assert result_titles(client.get("/catalogue?q=garden+clearance")) == []
    assert client.get(f"/catalogue/listings/{listing_id}").status_code == 404


def test_organisation_can_still_see_its_own_listing_before_approval(make, newcomer, browser):
    staff = make.user("provider_staff", organisation=newcomer)
    browser.sign_in(staff.email)

    response = browser.get(f"/catalogue/listings/{newcomer_listing_id(newcomer)}")

    assert response.status_code == 200
    assert "Garden clearance" in page_text(response)


# --- the approval's life: what may follow what -------------------------------------------------

@pytest.fixture
def decided(make, councils, newcomer):
    """``decided(*steps)``: the newcomer's Aldermoor approval after the administrator's decisions in turn."""
    aldermoor, _birchley = councils
    admin = make.user("administrator", aldermoor)

    def run(*steps):
        approval = _approval(newcomer, aldermoor)
        for step in steps:
            providers.decide(admin, approval, step, None if step == "approved" else "Our reasons.")
        return admin, approval
    return run


def test_a_suspension_is_lifted_by_approving_again_and_the_listings_come_back(decided, client):
    _admin, approval = decided("approved", "suspended", "approved")
    assert approval.status == "approved"
    assert _search(client, "aldermoor") == ["Garden clearance"]


def test_a_suspended_organisation_can_be_turned_down_for_good(decided, client):
    _admin, approval = decided("approved", "suspended", "rejected")
    assert approval.status == "rejected"
    assert _search(client, "aldermoor") == []


def test_a_rejected_organisation_can_be_reconsidered_and_approved(decided, client):
    _admin, approval = decided("rejected", "approved")
    assert approval.status == "approved"
    assert _search(client, "aldermoor") == ["Garden clearance"]


@pytest.mark.parametrize("steps, illegal", [((), "suspended"), (("approved",), "rejected"), (("approved",), "approved")])
def test_a_decision_the_approvals_state_does_not_allow_is_refused(decided, steps, illegal):
    """Pending cannot be suspended; an approved organisation is suspended before it is turned down."""
    admin, approval = decided(*steps)
    before = approval.status
    with pytest.raises(DomainError, match="cannot be made"):
        providers.decide(admin, approval, illegal, "Our reasons.")
    assert approval.status == before


def test_the_decision_page_offers_only_the_decisions_open_now(make, councils, decided, browser):
    admin, approval = decided("approved")
    browser.sign_in(admin.email)
    page = page_text(browser.get(f"/admin/organisations/{approval.id}"))
    assert "Suspend" in page and "Reject" not in page and "Approve:" not in page
