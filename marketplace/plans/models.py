"""A support plan version and its outcomes."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..states import Stateful, StateMachine
from ..types import UTCDateTime

PLAN_STATUSES = {
    "draft": "Being written",
    "submitted": "Waiting for a decision",
    "referred_to_panel": "With the risk enablement panel",
    "changes_requested": "Changes asked for",
    "approved": "Approved",
    "refused": "Not approved",
    "superseded": "Replaced by a newer plan",
}
PLAN = StateMachine("plan", {
    "draft": {"submitted"},
    "submitted": {"approved", "changes_requested", "refused", "referred_to_panel"},
    "referred_to_panel": {"approved", "changes_requested", "refused"},
    "changes_requested": {"submitted"},
    "approved": {"superseded"},
    "refused": set(),
    "superseded": set(),
}, initial=("draft",), model="support_plans", labels=PLAN_STATUSES)
# The states in which the plan waits for the council, and those in which its writers may change it.
WAITING = ("submitted", "referred_to_panel")
EDITABLE = ("draft", "changes_requested")
WRITERS = {"self": "Me", "family": "Family or friends", "broker": "A broker", "peer_broker": "A peer broker",
           "coordinator": "My care coordinator"}
LEVELS = ("care_coordinator", "team_manager", "panel")
LEVEL_LABELS = {"care_coordinator": "a care coordinator", "team_manager": "a team manager", "panel": "the panel"}


class SupportPlan(Stateful, db.Model):
    __tablename__ = "support_plans"
    __table_args__ = (UniqueConstraint("holder_id", "version", name="uq_support_plans_holder_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget_periods.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)  # see PLAN
    about_me: Mapped[str | None] = mapped_column(Text, nullable=True)
    crisis_plan: Mapped[str | None] = mapped_column(Text, nullable=True)
    contingency_plan: Mapped[str | None] = mapped_column(Text, nullable=True)
    risks: Mapped[list] = mapped_column(JSON, default=list)  # [{"risk": ..., "management": ...}]
    written_with: Mapped[list] = mapped_column(JSON, default=list)
    # Set when submitted: which level must decide, by when.
    waiting_on: Mapped[str | None] = mapped_column(String(20), nullable=True)
    expected_by: Mapped[date | None] = mapped_column(Date, nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    panel_outcome: Mapped[str | None] = mapped_column(Text, nullable=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("support_plans.id"), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    holder = relationship("Holder")
    budget = relationship("BudgetPeriod")
    council = relationship("Council")
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    outcomes: Mapped[list["PlanOutcome"]] = relationship(back_populates="plan", order_by="PlanOutcome.position",
                                                         cascade="all, delete-orphan")

    @property
    def total_pence(self) -> int:
        return sum(o.amount_pence for o in self.outcomes)

    @property
    def weekly_pence(self) -> int:
        """The plan's cost a week: its yearly total over 52 weeks, rounded up."""
        return -(-self.total_pence // 52)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_waiting(self) -> bool:
        """Sent to the council and not decided yet."""
        return self.status in WAITING

    @property
    def with_panel(self) -> bool:
        return self.status == "referred_to_panel"

    @property
    def is_refused(self) -> bool:
        return self.status == "refused"

    @property
    def is_open(self) -> bool:
        """Still being written or decided: no newer version may start until it is settled."""
        return self.status in EDITABLE + WAITING


class PlanOutcome(db.Model):
    """One outcome in a plan: the person's words, the Care Act outcomes it meets, the money set aside.

    ``key`` stays the same across plan versions, so the ledger's pot for it carries on.
    """

    __tablename__ = "plan_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plans.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)
    codes: Mapped[list] = mapped_column(JSON, default=list)  # Care Act outcome codes
    own_words: Mapped[str] = mapped_column(Text)
    amount_pence: Mapped[int] = mapped_column(Integer)  # set aside for the plan period
    how_met: Mapped[str | None] = mapped_column(Text, nullable=True)
    categories: Mapped[list] = mapped_column(JSON, default=list)  # catalogue categories this outcome foresees

    plan: Mapped[SupportPlan] = relationship(back_populates="outcomes")


REVIEW_STATUSES = {"waiting": "Waiting for an answer", "answered": "Answered"}
REVIEW = StateMachine("plan_review", {
    "waiting": {"answered"},
    "answered": set(),
}, initial=("waiting",), model="plan_review_requests", labels=REVIEW_STATUSES,
    tones={"waiting": "yellow", "answered": "green"})
REVIEW_REASON_MAX = 2000  # characters: the reason and the answer are bounded


class PlanReviewRequest(Stateful, db.Model):
    """The holder (or someone who writes the plan with them) asks the council to look at the plan
    again. It waits on their named contact (else the council's care coordinators) until someone
    at the council answers it; the answer is shown to the holder."""

    __tablename__ = "plan_review_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("support_plans.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # see REVIEW
    reason: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Who it waits on: the holder's named contact when they had one, else the council's care coordinators.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    expected_by: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    holder = relationship("Holder")
    council = relationship("Council")
    plan = relationship("SupportPlan")
    asked_by = relationship("User", foreign_keys=[asked_by_id])
    contact = relationship("User", foreign_keys=[contact_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])

    @property
    def is_waiting(self) -> bool:
        return self.status == "waiting"

    @property
    def waiting_on(self) -> str:
        """Who it waits on, in words."""
        return f"{self.contact.name}, your contact at the council" if self.contact else "a care coordinator at the council"
