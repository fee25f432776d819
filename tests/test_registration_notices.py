"""A provider's people hear the council's decision on their registration: in the product and by email."""
from __future__ import annotations

from marketplace import mail
from marketplace.accounts import roles as R
from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.notifications.models import Notification

from .helpers import page_text
from .test_registration import admin, aldermoor, approval_in, decide, register  # noqa: F401 (fixtures)


def notes_for(email: str) -> list[tuple[str, str, str]]:
    db.session.expire_all()
    return [(n.title, n.body, n.link) for n in db.session.scalars(
        db.select(Notification).join(User, User.id == Notification.user_id).where(User.email == email).order_by(Notification.id))]


def emails_to(email: str) -> list[str]:
    return [m.subject for m in mail.outbox() if m.to == email]


def test_approving_a_registration_tells_the_providers_people(browser, admin, aldermoor, make):  # noqa: F811
    register(browser, [aldermoor])
    approval = approval_in(aldermoor)
    colleague = make.user(R.PROVIDER_STAFF, organisation=approval.organisation, email="sue@example.com")
    decide(admin, approval, "approved")
    expected = ("Aldermoor Council approved Brightside Care",
                "You can now publish listings and take orders from people in Aldermoor Council.", "/provider")
    assert notes_for("owen@example.com") == [expected]
    assert notes_for(colleague.email) == [expected]
    assert emails_to("owen@example.com")[-1] == "Aldermoor Council approved Brightside Care"
    # The provider sees it on their notifications page, and its link opens their portal.
    text = page_text(browser.get("/notifications"))
    assert "Aldermoor Council approved Brightside Care" in text


def test_refusing_a_registration_tells_them_why(browser, admin, aldermoor):  # noqa: F811
    register(browser, [aldermoor])
    decide(admin, approval_in(aldermoor), "rejected", "We could not check your insurance.")
    assert notes_for("owen@example.com") == [("Aldermoor Council did not approve Brightside Care",
                                              "The reason they gave: We could not check your insurance.", "/provider")]
    assert emails_to("owen@example.com")[-1] == "Aldermoor Council did not approve Brightside Care"


def test_a_refusal_without_a_reason_tells_nobody(browser, admin, aldermoor):  # noqa: F811
    register(browser, [aldermoor])
    decide(admin, approval_in(aldermoor), "rejected", " ")
    assert notes_for("owen@example.com") == []


def test_nobody_outside_the_organisation_is_told(browser, admin, aldermoor, make):  # noqa: F811
    other = make.provider(aldermoor, user_email="zed@example.com")
    register(browser, [aldermoor])
    decide(admin, approval_in(aldermoor), "approved")
    assert notes_for("zed@example.com") == [] and notes_for("ada@example.com") == []
    assert other is not None
