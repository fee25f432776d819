"""Questions to a provider before ordering, and their answers."""
from __future__ import annotations

from .. import clock
from ..errors import DomainError, NotAllowed
from ..events import service as events
from ..extensions import db
from ..notifications.service import notify, notify_all
from ..policy import can
from .models import Enquiry
from .service import _provider_people_for


def ask(actor, listing, question: str, holder=None, link: str | None = None) -> Enquiry:
    """Send a question about a published listing. ``holder`` is filed only when it is certain who it is for."""
    if listing.status != "published" or listing.organisation is None:
        raise DomainError("You cannot ask about this listing.")
    question = (question or "").strip()
    if not question:
        raise DomainError("Write your question.")
    enquiry = Enquiry(listing_id=listing.id, organisation_id=listing.organisation_id, asked_by_id=actor.id,
                      holder_id=holder.id if holder else None, question=question)
    db.session.add(enquiry)
    db.session.flush()
    events.record("enquiry.asked", actor=actor, holder=holder, obj=enquiry)
    notify_all(_provider_people_for(listing.organisation_id), f"A question about \u201c{listing.title}\u201d", question, link)
    db.session.commit()
    return enquiry


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
