"""A request for support and the steps of its case, as the person follows them.

The person is not known to the council yet, so a request is reached by a private link (see
``service.tracking_token``) rather than an account; its fields are the ones a holder's record needs,
so setting the person up copies them and nothing is typed twice.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..states import Stateful, StateMachine
from ..types import UTCDateTime

KINDS = {"assessment": "An assessment of my needs (I do not get support from the council now)",
         "review": "A review of the support I get now (my needs have changed)"}
FOR_WHOM = {"myself": "Myself", "someone_else": "Someone else"}
CONSENT = {"agreed": "They know and have agreed that I ask for them",
           "best_interests": "They cannot agree to it themselves, and I am asking in their best interests"}
ACCESS = {"easy_read": "Easy read", "large_print": "Large print", "bsl": "A British Sign Language interpreter",
          "interpreter": "An interpreter for another language", "someone_with_me": "Someone with me when we meet",
          "no_phone": "Please do not phone me", "quiet": "A quiet place or a home visit"}
CONTACT = {"email": "Email", "phone": "Phone call", "text": "Text message", "letter": "Letter"}
CLOSE_REASONS = {"not_eligible": "The council cannot offer support, and has suggested other help",
                 "withdrawn": "The person asked us to stop",
                 "already_known": "The person already gets support: passed to their care coordinator",
                 "duplicate": "We already have a request for this person"}

ASK_STATUSES = {
    "draft": "Not sent yet", "submitted": "Sent to the council", "more_info": "The council asked you something",
    "assessment_booked": "Assessment booked", "assessed": "Assessed: waiting for the council's decision",
    "set_up": "Set up with a personal budget", "closed": "Closed",
}
# A draft is sent by the person; the council's first contact team triages it (asks for more, books an
# assessment or closes it); after the assessment the council sets the person up as a budget holder.
ASK = StateMachine("support_request", {
    "draft": {"submitted"},
    "submitted": {"more_info", "assessment_booked", "closed"},
    "more_info": {"submitted", "closed"},
    "assessment_booked": {"assessed", "closed"},
    "assessed": {"set_up", "closed"},
    "set_up": set(),
    "closed": set(),
}, initial=("draft",), model="support_requests", labels=ASK_STATUSES,
    tones={"draft": "grey", "submitted": "yellow", "more_info": "red", "assessment_booked": "yellow",
           "assessed": "yellow", "set_up": "green", "closed": "grey"})
# The stages shown on the timeline, in order; more_info is a pause within the first stage.
STAGES = ("submitted", "assessment_booked", "assessed", "set_up")
STAGE_NAMES = {"submitted": "The council looks at your request", "assessment_booked": "Your assessment",
               "assessed": "The council decides", "set_up": "Your personal budget is set up"}


class SupportRequest(Stateful, db.Model):
    __tablename__ = "support_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # see ASK
    nonce: Mapped[str] = mapped_column(String(32))  # in the private link; changed to cancel a link
    kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    for_whom: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # The person the request is about.
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    address: Mapped[str | None] = mapped_column(Text, nullable=True)
    postcode: Mapped[str | None] = mapped_column(String(10), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # Someone asking for them, and the consent they record.
    asker_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    asker_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    asker_phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    asker_relationship: Mapped[str | None] = mapped_column(String(100), nullable=True)
    consent: Mapped[str | None] = mapped_column(String(20), nullable=True)
    consent_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # How to reach them, and what makes it easier.
    preferred_contact: Mapped[str | None] = mapped_column(String(10), nullable=True)
    access_needs: Mapped[list] = mapped_column(JSON, default=list)
    access_other: Mapped[str | None] = mapped_column(Text, nullable=True)
    # What is happening, in their words.
    situation: Mapped[str | None] = mapped_column(Text, nullable=True)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    # The case as the council runs it.
    waiting_on: Mapped[str | None] = mapped_column(String(20), nullable=True)  # "person" | "council"
    expected_by: Mapped[date | None] = mapped_column(Date, nullable=True)
    question: Mapped[str | None] = mapped_column(Text, nullable=True)  # what the council asked, when more_info
    assessment_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    assessor_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    close_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    close_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("holders.id"), nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)

    council = relationship("Council")
    holder = relationship("Holder")
    steps: Mapped[list["RequestStep"]] = relationship(back_populates="request", order_by="RequestStep.id",
                                                     cascade="all, delete-orphan")

    @property
    def for_someone_else(self) -> bool:
        return self.for_whom == "someone_else"

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def is_open(self) -> bool:
        return self.status not in ASK.final

    @property
    def has_question(self) -> bool:
        """The council asked something and waits for the answer."""
        return self.status == "more_info"

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"

    @property
    def is_set_up(self) -> bool:
        return self.status == "set_up"

    @property
    def waits_on_person(self) -> bool:
        return self.waiting_on == "person"

    @property
    def contact_email(self) -> str | None:
        """Where we write about the request: the asker when someone else asked, else the person."""
        return (self.asker_email or self.email) if self.for_someone_else else self.email

    @property
    def postcode_district(self) -> str | None:
        return self.postcode.split()[0] if self.postcode else None


class RequestStep(db.Model):
    """One entry on the case timeline: what happened, when, in words the person reads."""

    __tablename__ = "support_request_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    said: Mapped[str] = mapped_column(Text)
    waiting_on: Mapped[str | None] = mapped_column(String(20), nullable=True)
    expected_by: Mapped[date | None] = mapped_column(Date, nullable=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    request: Mapped[SupportRequest] = relationship(back_populates="steps")
    by = relationship("User")
