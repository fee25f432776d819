"""Questions to a provider before ordering, and their answers."""
from __future__ import annotations

from .. import clock
from ..errors import DomainError, NotAllowed
from ..events import service as events
from ..extensions import db
from ..notifications.service import notify, notify_all
from ..policy import can, who_may
from .models import Enquiry


def ask(actor, listing, question: str, holder=None, link: str | None = None) -> Enquiry:
    """Send a question about a published listing. ``holder`` is filed only when it is certain who it is for."""
    if not listing.is_published or listing.organisation is None:
        raise DomainError("You cannot ask about this listing.")
    question = (question or "").strip()
    if not question:
        raise DomainError("Write your question.")
    enquiry = Enquiry(listing_id=listing.id, organisation_id=listing.organisation_id, asked_by_id=actor.id,
                      holder_id=holder.id if holder else None, question=question)
    db.session.add(enquiry)
    db.session.flush()
    events.record("enquiry.asked", actor=actor, holder=holder, obj=enquiry)
    notify_all(who_may("enquiry.answer", enquiry), f"A question about \u201c{listing.title}\u201d", question, link)
    db.session.commit()
    return enquiry


def asked_by(user) -> list[Enquiry]:
    return db.session.scalars(db.select(Enquiry).filter_by(asked_by_id=user.id).order_by(Enquiry.created_at.desc())).all()


def received_by(organisations) -> list[Enquiry]:
    """Questions to these organisations (the caller asked the policy which ones), unanswered first."""
    return db.session.scalars(db.select(Enquiry).where(Enquiry.organisation_id.in_([o.id for o in organisations] or [-1]))
                              .order_by(Enquiry.answered_at.is_not(None), Enquiry.created_at.desc())).all()


def answer(actor, enquiry: Enquiry, text: str, link: str | None = None) -> Enquiry:
    if not can(actor, "enquiry.answer", enquiry):
        raise NotAllowed("This question was not sent to your organisation.")
    text = (text or "").strip()
    if not text:
        raise DomainError("Write your answer.")
    enquiry.answer = text
    enquiry.answered_by_id = actor.id
    enquiry.answered_at = clock.now()
    events.record("enquiry.answered", actor=actor, obj=enquiry)
    notify(enquiry.asked_by, f"{enquiry.organisation.name} answered your question", text, link)
    db.session.commit()
    return enquiry
